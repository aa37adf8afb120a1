/*
 * The tuner's one-loop transformations: vectorize (strip-mine), reassociate
 * a reduction, unroll, ivdep.
 *
 * Strip-mining `for (T v = lo; v < hi; v++) body` into blocks of W,
 *
 *     T blk = lo;
 *     for (; hi - blk >= W; blk += W)
 *             #pragma GCC unroll W
 *             for (T v = blk; v < blk + W; v++) body
 *     for (T v = blk; v < hi; v++) body
 *
 * runs the same iterations in the same order, so it is legal for any loop
 * whose bound and variable the body does not change and which has no break
 * (a continue still ends one iteration) and no label.  It pays because gcc
 * -O2 vectorizes only loops whose trip count is a known multiple of the
 * vector length: the fully unrolled block becomes straight-line code for
 * its SLP vectorizer.  `hi - blk` is computed in long long for types up to
 * 32 bits and guarded by blk < hi otherwise, so it cannot overflow.
 *
 * A reduction `s += e` is strip-mined the same way into W partial sums
 * s_part[v - blk], added pairwise into s after the blocks, before the
 * remainder: the regrouping changes rounding, so it is offered only for
 * floating-point and unsigned types (signed sums could overflow where the
 * original did not).
 *
 * ivdep (ivdep_legal) and the unroll pragma are placed on the line before
 * the loop, wrapping it in braces when it is the body of another statement.
 */
#include "tuner_loops.h"
#include "tuner_poly.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static const long block_sizes[] = { 8, 16 };

int tloop_innermost(const struct tctx *c, size_t i)
{
	size_t j;

	for (j = i + 1; j < c->nr_loops; j++)
		if (c->loops[j].stmt.start < c->loops[i].stmt.end)
			return 0;
	return 1;
}

/* Every name in `refs` is a parameter or a local of the kernel, and none
 * is written by `body`. */
static int invariant_names(const struct tctx *c, const struct strvec *refs,
			   const struct kfacts *body)
{
	size_t i;

	for (i = 0; i < refs->nr; i++) {
		if (!tctx_param(c, refs->v[i]) && strvec_find(&c->fn.decls, refs->v[i]) < 0)
			return 0;
		if (kfacts_written(body, refs->v[i]))
			return 0;
	}
	return 1;
}

int tloop_canonical(struct tctx *c, size_t i)
{
	const struct kfor *f = &c->fors[i];
	struct kfacts hf, bf;
	int ok;

	if (!f->var || !f->declared || !f->is_integer || f->step != 1 || strcmp(f->op, "<") ||
	    (c->fn.flags & KF_ADDR))
		return 0;
	if (detect_facts(c->d, c->k->name, f->hi, &hf) < 0)
		return 0;
	detect_facts(c->d, c->k->name, c->loops[i].body, &bf);
	ok = !hf.nr_writes && !hf.calls.nr && !hf.nr_acc && !hf.flags &&
	     invariant_names(c, &hf.refs, &bf) && !kfacts_written(&bf, f->var) &&
	     !(bf.flags & (KF_BREAK | KF_GOTO));
	kfacts_release(&hf);
	kfacts_release(&bf);
	return ok;
}

/* ---- pragmas before a loop ---- */

void tuner_unroll_pragma(const struct tctx *c, const char *indent, long n, struct strbuf *sb)
{
	if (c->clang && n)
		strbuf_addf(sb, "%s#pragma clang loop unroll_count(%ld)\n", indent, n);
	else if (c->clang)
		strbuf_addf(sb, "%s#pragma clang loop unroll(full)\n", indent);
	else
		strbuf_addf(sb, "%s#pragma GCC unroll %ld\n", indent, n);
}

static size_t line_start(const struct tctx *c, size_t off)
{
	while (off > 0 && c->text->buf[off - 1] != '\n')
		off--;
	return off;
}

/* Whether the line before the loop's line is a pragma already. */
static int has_pragma(const struct tctx *c, size_t i)
{
	size_t ls = line_start(c, c->loops[i].stmt.start), p;

	if (!ls)
		return 0;
	p = line_start(c, ls - 1);
	while (p < ls && (c->text->buf[p] == ' ' || c->text->buf[p] == '\t'))
		p++;
	return c->text->buf[p] == '#';
}

/* Insert `pragma` (one line without indentation) before loop i, wrapping
 * the loop in braces when it is not a statement of a block. */
static void insert_pragma(const struct tctx *c, size_t i, const char *pragma,
			  struct tedits *e)
{
	const struct kloop *l = &c->loops[i];
	size_t ls = line_start(c, l->stmt.start), q;
	char *ind = tctx_indent(c, l->stmt.start);
	int own_line = 1;

	for (q = ls; q < l->stmt.start; q++)
		own_line &= c->text->buf[q] == ' ' || c->text->buf[q] == '\t';
	if (own_line && !tctx_needs_braces(c, l->stmt.start)) {
		tedits_add(e, ls, ls, xstrfmt("%s%s", ind, pragma));
	} else {
		struct strbuf sb = STRBUF_INIT;
		char *stmt = tctx_text(c, l->stmt);
		strbuf_addf(&sb, "{\n%s\t%s%s\t", ind, pragma, ind);
		tctx_add_shifted(&sb, stmt, 1);
		strbuf_addf(&sb, "\n%s}", ind);
		tedits_add(e, l->stmt.start, l->stmt.end, strbuf_detach(&sb, NULL));
		free(stmt);
	}
	free(ind);
}

/* ---- strip-mining ---- */

static void sum_tree(struct strbuf *sb, const char *part, long lo, long hi)
{
	long mid = (lo + hi) / 2;

	if (hi - lo == 1) {
		strbuf_addf(sb, "%s[%ld]", part, lo);
		return;
	}
	strbuf_addch(sb, '(');
	sum_tree(sb, part, lo, mid);
	strbuf_addstr(sb, " + ");
	sum_tree(sb, part, mid, hi);
	strbuf_addch(sb, ')');
}

static void block_cond(const struct kfor *f, const char *hi, const char *blk, long w,
		       struct strbuf *sb)
{
	if (f->size <= 4)
		strbuf_addf(sb, "(long long)(%s) - %s >= %ld", hi, blk, w);
	else
		strbuf_addf(sb, "%s < (%s) && (%s) - %s >= %ld", blk, hi, hi, blk, w);
}

void tuner_strip_text(struct tctx *c, const struct kfor *f, const char *body,
		      const char *ind, const struct strip *s, struct strbuf *sb)
{
	char *blk_base = xstrfmt("%s_blk", f->var), *blk = tctx_fresh(c, blk_base);
	char *lo = tctx_text(c, f->lo), *hi = tctx_text(c, f->hi);
	char *pind = xstrfmt("%s\t\t", ind), *part = NULL;
	struct strbuf pragma = STRBUF_INIT;

	tuner_unroll_pragma(c, pind, c->clang ? 0 : s->w, &pragma);
	strbuf_addf(sb, "{\n%s\t%s %s = %s;\n", ind, f->type, blk, lo);
	if (s->red) {
		char *base = xstrfmt("%s_part", s->red);
		part = tctx_fresh(c, base);
		free(base);
		strbuf_addf(sb, "%s\t%s %s[%ld] = { 0 };\n", ind, s->red_type, part, s->w);
	}
	strbuf_addf(sb, "%s\tfor (; ", ind);
	block_cond(f, hi, blk, s->w, sb);
	strbuf_addf(sb, "; %s += %ld) {\n%s", blk, s->w, pragma.buf);
	strbuf_addf(sb, "%s\t\tfor (%s %s = %s; %s < %s + %ld; %s++)\n%s\t\t\t", ind, f->type,
		    f->var, blk, f->var, blk, s->w, f->var, ind);
	if (s->red) {
		char *rhs = tctx_text(c, s->red_rhs);
		strbuf_addf(sb, "%s[%s - %s] += (%s);\n", part, f->var, blk, rhs);
		free(rhs);
	} else {
		tctx_add_shifted(sb, body, 2);
		strbuf_addch(sb, '\n');
	}
	strbuf_addf(sb, "%s\t}\n", ind);
	if (s->red) {
		strbuf_addf(sb, "%s\t%s %s ", ind, s->red, s->red_op);
		sum_tree(sb, part, 0, s->w);
		strbuf_addstr(sb, ";\n");
	}
	strbuf_addf(sb, "%s\tfor (%s %s = %s; %s < %s; %s++)\n%s\t\t", ind, f->type, f->var,
		    blk, f->var, hi, f->var, ind);
	tctx_add_shifted(sb, body, 1);
	strbuf_addf(sb, "\n%s}", ind);
	strbuf_release(&pragma);
	free(pind);
	free(blk_base);
	free(blk);
	free(lo);
	free(hi);
	free(part);
}

static void strip_mine(struct tctx *c, size_t i, const struct strip *s, struct tedits *e)
{
	char *ind = tctx_indent(c, c->loops[i].stmt.start);
	char *body = tctx_text(c, c->loops[i].body);
	struct strbuf sb = STRBUF_INIT;

	tuner_strip_text(c, &c->fors[i], body, ind, s, &sb);
	tedits_add(e, c->loops[i].stmt.start, c->loops[i].stmt.end, strbuf_detach(&sb, NULL));
	free(ind);
	free(body);
}

/* ---- vectorize ---- */

static int apply_vectorize(struct tctx *c, const struct tplan *p, struct tedits *e)
{
	struct strip s = { p->n, NULL, NULL, NULL, { 0, 0 } };
	struct strbuf names = STRBUF_INIT;

	tctx_restrict_edits(c, e, &names);
	strbuf_release(&names);
	strip_mine(c, p->loop, &s, e);
	return 0;
}

/* A loop worth strip-mining: it stores to memory, and writes no scalar
 * that outlives an iteration (a reduction needs reassociation instead). */
static int stores_only(const struct kfacts *bf)
{
	size_t i, stores = 0;

	for (i = 0; i < bf->nr_writes; i++)
		if (!bf->writes[i].local)
			return 0;
	for (i = 0; i < bf->nr_acc; i++)
		stores += bf->acc[i].store;
	return stores > 0;
}

static void vectorize_plans(struct tctx *c, size_t i, const struct kfacts *bf,
			    struct tplans *l)
{
	struct tedits e = { NULL, 0, 0 };
	struct strbuf where = STRBUF_INIT, names = STRBUF_INIT;
	size_t j;

	if (!stores_only(bf))
		return;
	tctx_loop_name(c, i, &where);
	tctx_restrict_edits(c, &e, &names);
	for (j = 0; j < e.nr; j++)
		free(e.e[j].text);
	free(e.e);
	for (j = 0; j < ARRAY_SIZE(block_sizes); j++)
		tplans_add(l, apply_vectorize, i, 0, block_sizes[j], NULL,
			   "vectorize %s in blocks of %ld%s%s", where.buf, block_sizes[j],
			   names.len ? ", with restrict on " : "", names.buf);
	strbuf_release(&where);
	strbuf_release(&names);
}

/* ---- reassociate a reduction ---- */

static int apply_reduce(struct tctx *c, const struct tplan *p, struct tedits *e)
{
	struct kstmt *st = NULL;
	struct kfacts bf;
	size_t nr = 0;
	const struct kvar *v;
	int ret = -1;

	detect_facts(c->d, c->k->name, c->loops[p->loop].body, &bf);
	if (detect_stmts(c->d, c->k->name, c->loops[p->loop].body, &st, &nr) == 0 && nr == 1 &&
	    (v = kfacts_written(&bf, p->what))) {
		struct strip s = { p->n, p->what, v->type, st[0].op, st[0].rhs };
		strip_mine(c, p->loop, &s, e);
		ret = 0;
	}
	detect_stmts_free(st, nr);
	kfacts_release(&bf);
	return ret;
}

static int reducible_type(const char *t)
{
	static const char *const ok[] = { "float", "double", "long double", "unsigned int",
					  "unsigned long", "unsigned long long", NULL };
	size_t i;

	for (i = 0; ok[i]; i++)
		if (!strcmp(t, ok[i]))
			return 1;
	return 0;
}

/* The body is the single statement `s += e;` or `s -= e;`, s a scalar local
 * or parameter of a type whose sums may be regrouped, e free of s. */
static const char *reduction_var(struct tctx *c, size_t i, const struct kfacts *bf)
{
	struct kstmt *st = NULL;
	struct kfacts rf;
	size_t nr = 0;
	const char *ret = NULL;
	const struct kvar *v;
	const struct kparam *pm;

	if (detect_stmts(c->d, c->k->name, c->loops[i].body, &st, &nr) < 0)
		return NULL;
	if (nr != 1 || st[0].kind != KST_EXPR || !st[0].lhs_var ||
	    (strcmp(st[0].op, "+=") && strcmp(st[0].op, "-=")) || bf->nr_writes != 1 ||
	    !(v = kfacts_written(bf, st[0].lhs_var)) || v->local || !reducible_type(v->type))
		goto out;
	pm = tctx_param(c, v->name);
	if ((pm && pm->is_pointer) || (!pm && strvec_find(&c->fn.decls, v->name) < 0))
		goto out;
	detect_facts(c->d, c->k->name, st[0].rhs, &rf);
	if (strvec_find(&rf.refs, v->name) < 0 && !(rf.flags & (KF_OPAQUE | KF_GOTO)))
		ret = v->name;
	kfacts_release(&rf);
out:
	detect_stmts_free(st, nr);
	return ret;
}

static void reduce_plans(struct tctx *c, size_t i, const struct kfacts *bf, struct tplans *l)
{
	struct strbuf where = STRBUF_INIT;
	const char *var = reduction_var(c, i, bf);
	size_t j;

	if (!var)
		return;
	tctx_loop_name(c, i, &where);
	for (j = 0; j < ARRAY_SIZE(block_sizes); j++)
		tplans_add(l, apply_reduce, i, 0, block_sizes[j], var,
			   "reassociate the reduction into %s in %s as %ld partial sums "
			   "(changes rounding)", var, where.buf, block_sizes[j]);
	strbuf_release(&where);
}

/* The remainder loop of an earlier strip-mining (it starts at `v_blk`):
 * it runs fewer than one block, so no plan for it is worth judging. */
static int is_tail(const struct tctx *c, size_t i)
{
	const struct kfor *f = &c->fors[i];
	char *lo = f->var ? tctx_text(c, f->lo) : NULL, *base = NULL;
	int ret = 0;

	if (lo) {
		size_t n = strlen(f->var);
		base = xstrfmt("%s_blk", f->var);
		ret = !strncmp(lo, base, n + 4) && strspn(lo + n + 4, "0123456789") == strlen(lo + n + 4);
	}
	free(lo);
	free(base);
	return ret;
}

void tuner_loop_plans(struct tctx *c, struct tplans *l)
{
	size_t i;

	for (i = 0; i < c->nr_loops; i++) {
		struct kfacts bf;
		if (!tloop_innermost(c, i) || !tloop_canonical(c, i) || has_pragma(c, i) ||
		    is_tail(c, i))
			continue;
		detect_facts(c->d, c->k->name, c->loops[i].body, &bf);
		vectorize_plans(c, i, &bf, l);
		reduce_plans(c, i, &bf, l);
		kfacts_release(&bf);
	}
}

/* ---- unroll and ivdep pragmas ---- */

static int apply_unroll(struct tctx *c, const struct tplan *p, struct tedits *e)
{
	struct strbuf sb = STRBUF_INIT;

	tuner_unroll_pragma(c, "", p->n, &sb);
	insert_pragma(c, p->loop, sb.buf, e);
	strbuf_release(&sb);
	return 0;
}

static int apply_ivdep(struct tctx *c, const struct tplan *p, struct tedits *e)
{
	insert_pragma(c, p->loop, c->clang ? "#pragma clang loop vectorize(assume_safety)\n"
					   : "#pragma GCC ivdep\n", e);
	return 0;
}

/* The store index of `base` in the body, when every store to it uses one
 * index; NULL when they differ. */
static const struct kaccess *store_of(const struct tctx *c, const struct kfacts *bf,
				      const char *base)
{
	const struct kaccess *first = NULL;
	size_t i;

	for (i = 0; i < bf->nr_acc; i++) {
		const struct kaccess *a = &bf->acc[i];
		if (!a->store || strcmp(a->base, base))
			continue;
		if (!first)
			first = a;
		else {
			char *t = tctx_text(c, a->index);
			int same = tctx_text_is(c, first->index, t);
			free(t);
			if (!same)
				return NULL;
		}
	}
	return first;
}

/*
 * ivdep is legal when no memory dependence crosses iterations: every store
 * goes to an out/inout buffer at an index that moves with the loop
 * variable, every access to a stored buffer uses the store's index, every
 * other access reads a parameter buffer (distinct allocations by the
 * clauses), and nothing else touches memory (no calls, no pointers).
 */
static int ivdep_legal(struct tctx *c, size_t i, const struct kfacts *bf)
{
	size_t j, stores = 0;

	if (bf->flags & (KF_DEREF | KF_UNKNOWN_ACCESS | KF_OPAQUE | KF_ADDR | KF_GOTO) ||
	    bf->calls.nr)
		return 0;
	for (j = 0; j < bf->nr_acc; j++) {
		const struct kaccess *a = &bf->acc[j], *s = store_of(c, bf, a->base);
		const struct kparam *pm = tctx_param(c, a->base);
		if (!pm || !pm->is_pointer || !tctx_buffer_dir(c, a->base))
			return 0;
		if (a->store) {
			char *t = tctx_text(c, a->index);
			struct poly *ip = poly_parse(t, strlen(t)), *co;
			long long k = 0;
			int moves;
			free(t);
			co = ip ? poly_coeff(ip, c->fors[i].var) : NULL;
			moves = co && poly_const(co, &k) && k != 0;
			poly_free(ip);
			poly_free(co);
			if (!moves || !(tctx_buffer_dir(c, a->base) & BUF_OUT))
				return 0;
			stores++;
		}
		if (s) {
			char *t = tctx_text(c, a->index);
			int same = tctx_text_is(c, s->index, t);
			free(t);
			if (!same)
				return 0;
		}
	}
	return stores > 0;
}

void tuner_unroll_plans(struct tctx *c, struct tplans *l)
{
	static const long factors[] = { 4, 8 };
	size_t i, j;

	for (i = 0; i < c->nr_loops; i++) {
		struct strbuf where = STRBUF_INIT;
		struct kfacts bf;
		if (!tloop_innermost(c, i) || has_pragma(c, i) || is_tail(c, i))
			continue;
		tctx_loop_name(c, i, &where);
		for (j = 0; j < ARRAY_SIZE(factors); j++)
			tplans_add(l, apply_unroll, i, 0, factors[j], NULL, "unroll %s by %ld",
				   where.buf, factors[j]);
		detect_facts(c->d, c->k->name, c->loops[i].body, &bf);
		if (tloop_canonical(c, i) && ivdep_legal(c, i, &bf))
			tplans_add(l, apply_ivdep, i, 0, 0, NULL,
				   "mark %s ivdep (no loop-carried memory dependence)", where.buf);
		kfacts_release(&bf);
		strbuf_release(&where);
	}
}
