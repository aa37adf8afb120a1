#ifndef ACCC_XALLOC_H
#define ACCC_XALLOC_H
/*
 * Allocation that never returns NULL: on out-of-memory the process prints one
 * line and exits 1 (a compiler driver cannot do anything better).  Every
 * pointer returned is owned by the caller and released with free().
 */
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a fresh string; caller frees */
char *xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grow array `x` (with `alloc` slots) so that it holds at least `nr` items. */
#define ALLOC_GROW(x, nr, alloc)                                               \
	do {                                                                       \
		if ((nr) > (alloc)) {                                                  \
			(alloc) = (alloc) < 16 ? 16 : (alloc);                             \
			while ((alloc) < (nr))                                             \
				(alloc) *= 2;                                                  \
			(x) = xrealloc((x), (alloc) * sizeof(*(x)));                       \
		}                                                                      \
	} while (0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
