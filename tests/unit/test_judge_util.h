#ifndef ACCC_TEST_JUDGE_UTIL_H
#define ACCC_TEST_JUDGE_UTIL_H
/*
 * Test helper for the judge's tests: the kernel description of an annotated
 * file, made the way accc itself makes it (detect, then kdesc from passes/),
 * and small file and environment helpers.
 */
#include "detect.h"
#include "kdesc.h"
#include "fs.h"
#include "strbuf.h"
#include "strvec.h"
#include "target.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tk {
	struct target_kernel k;     /* kd.tk, copied for brevity */
	struct detect *d;
	struct kdesc kd;
	struct strbuf unit;         /* the reference unit (kd.unit) */
};

/*
 * Describe kernel `name` of `path` for the judge, compiled by `cc` with
 * `cflags` (NULL-terminated).  Returns 0, or -1 with a message on stderr.
 */
static inline int tk_load(struct tk *t, const char *path, const char *name, const char *cc,
			  const char *const *cflags)
{
	struct strvec flags = STRVEC_INIT;
	enum detect_status st;
	long idx;

	memset(t, 0, sizeof(*t));
	t->d = detect_file(path, &flags, &st);
	strvec_clear(&flags);
	idx = t->d ? detect_find(t->d, name) : -1;
	if (st != DETECT_OK || idx < 0) {
		fprintf(stderr, "cannot detect kernel '%s' in '%s': %s\n", name, path,
			t->d ? detect_diagnostics(t->d) : "");
		return -1;
	}
	if (kdesc_init(&t->kd, t->d, (size_t)idx, cc, cflags) < 0) {
		fprintf(stderr, "cannot describe kernel '%s'\n", name);
		return -1;
	}
	t->k = t->kd.tk;
	t->unit = t->kd.unit;
	return 0;
}

static inline void tk_release(struct tk *t)
{
	kdesc_release(&t->kd);
	detect_free(t->d);
	memset(t, 0, sizeof(*t));
}

/* $ACCC_SRC/rel, or the source tree this test was built from. */
static inline char *tk_src(const char *rel)
{
	const char *src = getenv("ACCC_SRC");
#ifdef ACCC_SOURCE_DIR
	if (!src)
		src = ACCC_SOURCE_DIR;
#endif
	if (!src)
		src = ".";
	return xstrfmt("%s/%s", src, rel);
}

static inline char *tk_read(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	if (strbuf_read_file(&sb, path, 1 << 20) < 0) {
		fprintf(stderr, "cannot read '%s'\n", path);
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

#endif
