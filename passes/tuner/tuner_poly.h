#ifndef ACCC_TUNER_POLY_H
#define ACCC_TUNER_POLY_H
#include <stddef.h>

/* ---- tuner_poly.c: integer polynomials over identifiers ---- */
struct poly;
/* Parse a C integer expression of +, -, *, parentheses, integer casts,
 * literals and identifiers.  Returns NULL when it has anything else. */
struct poly *poly_parse(const char *s, size_t len);
void poly_free(struct poly *p);
struct poly *poly_sub(const struct poly *a, const struct poly *b);
struct poly *poly_neg(const struct poly *a);
/* The coefficient of `var` (which must occur at most once in each term),
 * or NULL when var occurs squared. */
struct poly *poly_coeff(const struct poly *p, const char *var);
int poly_mentions(const struct poly *p, const char *var);
/* Whether p is a constant; its value in *ret. */
int poly_const(const struct poly *p, long long *ret);

#endif
