#ifndef ACCC_STRVEC_H
#define ACCC_STRVEC_H
/*
 * A NULL-terminated vector of owned strings, ready to be an argv:
 * v[nr] == NULL always (v points at a static empty array before the first
 * push).  Every string pushed is copied; strvec_clear() frees them all.
 */
#include <stddef.h>

struct strvec {
	const char **v;
	size_t nr;
	size_t alloc;
};

extern const char *strvec_empty[];
#define STRVEC_INIT { strvec_empty, 0, 0 }

void strvec_init(struct strvec *sv);
void strvec_push(struct strvec *sv, const char *s);
void strvec_pushf(struct strvec *sv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strvec_pushv(struct strvec *sv, const char *const *items);
/* Take ownership of an already allocated string. */
void strvec_push_nodup(struct strvec *sv, char *s);
void strvec_insert(struct strvec *sv, size_t pos, const char *s);
void strvec_remove(struct strvec *sv, size_t pos);
void strvec_pop(struct strvec *sv);
void strvec_clear(struct strvec *sv);
/* Index of the first item equal to s, or -1. */
long strvec_find(const struct strvec *sv, const char *s);

#endif
