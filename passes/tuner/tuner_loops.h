#ifndef ACCC_TUNER_LOOPS_H
#define ACCC_TUNER_LOOPS_H
#include "tuner_ctx.h"

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

#endif
