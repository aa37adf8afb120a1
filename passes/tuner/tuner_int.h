#ifndef ACCC_TUNER_INT_H
#define ACCC_TUNER_INT_H
/* The tuner's insides, shared by tuner*.c only. */
#include "detect.h"
#include "detect_facts.h"
#include "tuner.h"

/* A textual edit of the unit: bytes [start, end) become `text`. */
struct tedit {
	size_t start, end;
	char *text;
};

struct tedits {
	struct tedit *e;
	size_t nr, alloc;
};

struct tctx;
struct tplan;

typedef int (*tapply_fn)(struct tctx *c, const struct tplan *p, struct tedits *e);

/* One applicable transformation. */
struct tplan {
	char *text;
	tapply_fn apply;
	size_t loop, loop2;     /* indexes into tctx.loops */
	long n;                 /* block, unroll or tile factor */
	char *what;             /* reduction variable, ... (owned) */
};

struct tplans {
	struct tplan *p;
	size_t nr, alloc;
};

/* The variant being tuned, parsed. */
struct tctx {
	const struct tuner_kernel *k;
	struct detect *d;
	const struct strbuf *text;      /* the unit */
	size_t vstart, vend;            /* the variant inside it */
	struct range def;               /* the kernel's definition */
	struct range body;              /* its body, braces included */
	struct kloop *loops;
	size_t nr_loops;
	struct kfor *fors;              /* per loop; var NULL: not canonical */
	struct kfacts fn;               /* facts of the whole definition */
	int clang;                      /* the compiler is clang */
};

/* ---- tuner.c: shared helpers ---- */
void tplans_add(struct tplans *l, tapply_fn apply, size_t loop, size_t loop2, long n,
		const char *what, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
void tedits_add(struct tedits *e, size_t start, size_t end, char *text);
/* Copy of the unit's bytes in r (caller frees). */
char *tctx_text(const struct tctx *c, struct range r);
/* The whitespace that starts the line holding `off`. */
char *tctx_indent(const struct tctx *c, size_t off);
/* An identifier starting with `base` that the unit does not use (caller frees). */
char *tctx_fresh(const struct tctx *c, const char *base);
/* Append `text` with `extra` more tabs after each of its newlines. */
void tctx_add_shifted(struct strbuf *sb, const char *text, int extra);
/* Whether `name` is a pointer parameter named in a buffer clause, and its
 * direction (0 when not). */
int tctx_buffer_dir(const struct tctx *c, const char *name);
const struct kparam *tctx_param(const struct tctx *c, const char *name);
/* The edit that adds restrict to every buffer parameter lacking it; names
 * appended to `names` ("a, b"); 0 when none needs it. */
int tctx_restrict_edits(struct tctx *c, struct tedits *e, struct strbuf *names);
/* Whether a statement at `off` is not an item of a block (the body of an
 * if, for, while without braces): replacing it by several needs braces. */
int tctx_needs_braces(const struct tctx *c, size_t off);
/* Whether `name` is a function without side effects on memory (libm). */
int tctx_pure_call(const char *name);
/* "loop 3 (for p, depth 2)" */
void tctx_loop_name(const struct tctx *c, size_t i, struct strbuf *sb);
/* Whether the unit's bytes in r, ignoring blanks, equal s. */
int tctx_text_is(const struct tctx *c, struct range r, const char *s);

/* ---- tuner_loops.c: one loop at a time ---- */
/* How to strip-mine a loop: block size, and for a reduction its variable,
 * type, operator and the right-hand side of `var op= rhs`. */
struct strip {
	long w;
	const char *red;        /* NULL: not a reduction */
	const char *red_type;
	const char *red_op;     /* "+=" or "-=" */
	struct range red_rhs;
};
/* Append the strip-mined form of loop header f with body text `body` (a
 * statement), starting with '{' and indented from `ind`. */
void tuner_strip_text(struct tctx *c, const struct kfor *f, const char *body,
		      const char *ind, const struct strip *s, struct strbuf *sb);
/* Loop i is `for (T v = lo; v < hi; v++)`, declared v, its bound and
 * variable invariant in its body, no jump out of it. */
int tloop_canonical(struct tctx *c, size_t i);
int tloop_innermost(const struct tctx *c, size_t i);
void tuner_loop_plans(struct tctx *c, struct tplans *l);
void tuner_unroll_plans(struct tctx *c, struct tplans *l);
/* The pragma line (with its newline) that unrolls a loop n times (0: fully). */
void tuner_unroll_pragma(const struct tctx *c, const char *indent, long n, struct strbuf *sb);

/* ---- tuner_nest.c: nests ---- */
void tuner_nest_plans(struct tctx *c, struct tplans *l);

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
