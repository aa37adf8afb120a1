#ifndef ACCC_CHECK_H
#define ACCC_CHECK_H
/*
 * A minimal unit-test harness: CHECK(cond) and friends record a failure with
 * file:line and go on; check_done() prints "N passed, N failed" and returns
 * the exit status for main().
 */
#include <stdio.h>
#include <string.h>

static int check_pass, check_fail;

#define CHECK(cond)                                                            \
	do {                                                                       \
		if (cond)                                                              \
			check_pass++;                                                      \
		else {                                                                 \
			check_fail++;                                                      \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,  \
				#cond);                                                        \
		}                                                                      \
	} while (0)

#define CHECK_STR(got, want)                                                   \
	do {                                                                       \
		const char *g_ = (got), *w_ = (want);                                  \
		if (g_ && w_ && !strcmp(g_, w_))                                       \
			check_pass++;                                                      \
		else {                                                                 \
			check_fail++;                                                      \
			fprintf(stderr, "%s:%d: %s\n  got:  %s\n  want: %s\n", __FILE__,   \
				__LINE__, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)");       \
		}                                                                      \
	} while (0)

#define CHECK_INT(got, want)                                                   \
	do {                                                                       \
		long long g_ = (long long)(got), w_ = (long long)(want);               \
		if (g_ == w_)                                                          \
			check_pass++;                                                      \
		else {                                                                 \
			check_fail++;                                                      \
			fprintf(stderr, "%s:%d: %s: got %lld, want %lld\n", __FILE__,      \
				__LINE__, #got, g_, w_);                                       \
		}                                                                      \
	} while (0)

static inline int check_done(void)
{
	printf("%d passed, %d failed\n", check_pass, check_fail);
	return check_fail ? 1 : 0;
}

#endif
