/*
 * Integer polynomials over identifiers, for the tuner's proofs about index
 * expressions and loop bounds ("is c[j * n + i] a different element for
 * every (i, j) of the nest?").  Values are mathematical integers: a cast to
 * an integer type is read as the identity and overflow is not modelled,
 * which is sound for these proofs because an overflow in the original
 * expression is already undefined behaviour of the original kernel.
 */
#include "tuner_poly.h"
#include "strvec.h"
#include "xalloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define POLY_MAX_TERMS 64

struct term {
	long long coeff;
	struct strvec vars;     /* sorted; repeated for powers */
};

struct poly {
	struct term *t;
	size_t nr, alloc;
};

static struct poly *poly_new(void)
{
	return xcalloc(1, sizeof(struct poly));
}

void poly_free(struct poly *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nr; i++)
		strvec_clear(&p->t[i].vars);
	free(p->t);
	free(p);
}

static int same_vars(const struct strvec *a, const struct strvec *b)
{
	size_t i;

	if (a->nr != b->nr)
		return 0;
	for (i = 0; i < a->nr; i++)
		if (strcmp(a->v[i], b->v[i]))
			return 0;
	return 1;
}

/* Add coeff * vars (sorted) to p, merging like terms. */
static void add_term(struct poly *p, long long coeff, const struct strvec *vars)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		if (same_vars(&p->t[i].vars, vars)) {
			p->t[i].coeff += coeff;
			return;
		}
	ALLOC_GROW(p->t, p->nr + 1, p->alloc);
	p->t[p->nr].coeff = coeff;
	strvec_init(&p->t[p->nr].vars);
	strvec_pushv(&p->t[p->nr].vars, vars->v);
	p->nr++;
}

static void drop_zeros(struct poly *p)
{
	size_t i, j = 0;

	for (i = 0; i < p->nr; i++) {
		if (p->t[i].coeff)
			p->t[j++] = p->t[i];
		else
			strvec_clear(&p->t[i].vars);
	}
	p->nr = j;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static struct poly *poly_mul(const struct poly *a, const struct poly *b)
{
	struct poly *r = poly_new();
	size_t i, j;

	for (i = 0; i < a->nr; i++)
		for (j = 0; j < b->nr; j++) {
			struct strvec v = STRVEC_INIT;
			strvec_pushv(&v, a->t[i].vars.v);
			strvec_pushv(&v, b->t[j].vars.v);
			qsort(v.v, v.nr, sizeof(*v.v), cmp_str);
			add_term(r, a->t[i].coeff * b->t[j].coeff, &v);
			strvec_clear(&v);
		}
	drop_zeros(r);
	return r;
}

static struct poly *poly_add_scaled(const struct poly *a, const struct poly *b, long long s)
{
	struct poly *r = poly_new();
	size_t i;

	for (i = 0; i < a->nr; i++)
		add_term(r, a->t[i].coeff, &a->t[i].vars);
	for (i = 0; i < b->nr; i++)
		add_term(r, s * b->t[i].coeff, &b->t[i].vars);
	drop_zeros(r);
	return r;
}

struct poly *poly_sub(const struct poly *a, const struct poly *b)
{
	return poly_add_scaled(a, b, -1);
}

struct poly *poly_neg(const struct poly *a)
{
	struct poly zero = { NULL, 0, 0 };
	return poly_add_scaled(&zero, a, -1);
}

/* ---- parsing ---- */

struct lex {
	const char *s, *end;
	int bad;
};

static void blank(struct lex *x)
{
	while (x->s < x->end && isspace((unsigned char)*x->s))
		x->s++;
}

static int peek(struct lex *x, char c)
{
	blank(x);
	return x->s < x->end && *x->s == c;
}

static size_t ident_len(const struct lex *x)
{
	size_t n = 0;
	if (x->s < x->end && (isalpha((unsigned char)*x->s) || *x->s == '_'))
		while (x->s + n < x->end && (isalnum((unsigned char)x->s[n]) || x->s[n] == '_'))
			n++;
	return n;
}

/* `(int)`, `(long)`, `(size_t)`, `(unsigned long long)`...: an integer cast. */
static int skip_cast(struct lex *x)
{
	static const char *const words[] = { "int", "long", "short", "unsigned", "signed",
					     "size_t", "ptrdiff_t", "int64_t", "int32_t",
					     "uint64_t", "uint32_t", "intptr_t", "uintptr_t",
					     "char", NULL };
	const char *p = x->s + 1, *save = x->s;
	int words_seen = 0;

	x->s = p;
	for (;;) {
		size_t n, i;
		int known = 0;
		blank(x);
		n = ident_len(x);
		if (!n)
			break;
		for (i = 0; words[i]; i++)
			if (strlen(words[i]) == n && !strncmp(words[i], x->s, n))
				known = 1;
		if (!known)
			break;
		x->s += n;
		words_seen++;
	}
	if (words_seen && peek(x, ')')) {
		x->s++;
		return 1;
	}
	x->s = save;
	return 0;
}

static struct poly *parse_sum(struct lex *x);

static struct poly *parse_primary(struct lex *x)
{
	struct poly *p = poly_new();
	struct strvec none = STRVEC_INIT;
	size_t n;

	blank(x);
	if (x->s < x->end && isdigit((unsigned char)*x->s)) {
		char *e;
		long long v = strtoll(x->s, &e, 0);
		while (e < x->end && strchr("uUlL", *e))
			e++;
		if (e > x->end || (e < x->end && (isalnum((unsigned char)*e) || *e == '.')))
			x->bad = 1;
		x->s = e;
		add_term(p, v, &none);
	} else if ((n = ident_len(x))) {
		struct strvec v = STRVEC_INIT;
		char *name = xstrndup(x->s, n);
		strvec_push_nodup(&v, name);
		x->s += n;
		add_term(p, 1, &v);
		strvec_clear(&v);
	} else if (peek(x, '(')) {
		poly_free(p);
		x->s++;
		p = parse_sum(x);
		if (!peek(x, ')'))
			x->bad = 1;
		else
			x->s++;
	} else
		x->bad = 1;
	drop_zeros(p);
	return p;
}

static struct poly *parse_unary(struct lex *x)
{
	struct poly *p, *r;

	blank(x);
	if (x->bad || x->s >= x->end) {
		x->bad = 1;
		return poly_new();
	}
	if (*x->s == '-' || *x->s == '+') {
		int neg = *x->s++ == '-';
		p = parse_unary(x);
		if (!neg)
			return p;
		r = poly_neg(p);
		poly_free(p);
		return r;
	}
	if (*x->s == '(' && skip_cast(x))
		return parse_unary(x);
	return parse_primary(x);
}

static struct poly *parse_product(struct lex *x)
{
	struct poly *p = parse_unary(x);

	while (!x->bad && peek(x, '*')) {
		struct poly *q, *r;
		x->s++;
		q = parse_unary(x);
		r = poly_mul(p, q);
		poly_free(p);
		poly_free(q);
		p = r;
		if (p->nr > POLY_MAX_TERMS)
			x->bad = 1;
	}
	return p;
}

static struct poly *parse_sum(struct lex *x)
{
	struct poly *p = parse_product(x);

	while (!x->bad && (peek(x, '+') || peek(x, '-'))) {
		int neg = *x->s++ == '-';
		struct poly *q = parse_product(x), *r = poly_add_scaled(p, q, neg ? -1 : 1);
		poly_free(p);
		poly_free(q);
		p = r;
	}
	return p;
}

struct poly *poly_parse(const char *s, size_t len)
{
	struct lex x = { s, s + len, 0 };
	struct poly *p = parse_sum(&x);

	blank(&x);
	if (x.bad || x.s != x.end) {
		poly_free(p);
		return NULL;
	}
	return p;
}

/* ---- questions ---- */

struct poly *poly_coeff(const struct poly *p, const char *var)
{
	struct poly *r = poly_new();
	size_t i;

	for (i = 0; i < p->nr; i++) {
		struct strvec rest = STRVEC_INIT;
		size_t j, seen = 0;
		for (j = 0; j < p->t[i].vars.nr; j++) {
			if (!strcmp(p->t[i].vars.v[j], var))
				seen++;
			else
				strvec_push(&rest, p->t[i].vars.v[j]);
		}
		if (seen == 1)
			add_term(r, p->t[i].coeff, &rest);
		strvec_clear(&rest);
		if (seen > 1) {
			poly_free(r);
			return NULL;
		}
	}
	drop_zeros(r);
	return r;
}

int poly_mentions(const struct poly *p, const char *var)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		if (strvec_find(&p->t[i].vars, var) >= 0)
			return 1;
	return 0;
}

int poly_const(const struct poly *p, long long *ret)
{
	if (p->nr == 0) {
		*ret = 0;
		return 1;
	}
	if (p->nr == 1 && p->t[0].vars.nr == 0) {
		*ret = p->t[0].coeff;
		return 1;
	}
	return 0;
}
