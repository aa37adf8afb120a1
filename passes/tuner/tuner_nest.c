/*
 * The tuner's nest transformations: interchange and tile a perfect 2-deep
 * nest, and sink a loop below a reduction nest.
 *
 * Interchange and tiling reorder the iterations of a nest, so they need a
 * nest without dependences between iterations.  The rule (nest_legal):
 * both loops canonical, the inner bounds free of the outer variable; the
 * body writes no scalar declared outside it, makes no call except libm
 * functions, touches memory only through v[index] with v a parameter
 * named in a buffer clause (distinct allocations); every store goes to an
 * out/inout buffer, each buffer stored at one index text and read, if at
 * all, only at that index; and that index is injective over the nest: an
 * affine A*x + B*y + C in the two loop variables where one coefficient is
 * +-1 and the other is at least the width of that variable's range
 * (c[j * n + i] with 0 <= i < n).  Then every iteration touches its own
 * elements of the stored buffers and reads nothing another writes, so any
 * order gives the same result.  a[i][j] = a[i-1][j+1] fails twice: a stored
 * buffer read at another index, and a subscript of a subscript.
 *
 * Sinking (sink_legal) turns
 *     for (j) { T s = init; for (p) ... s += e; P[x] = s; }
 * into
 *     for (j) P[x] = init;  for (p) ... for (j) P[x] += e;
 * Each element still receives init, then the terms in the order of p, so
 * the result is bit-identical when P's element type is T.  It needs: x
 * injective in j (coefficient a non-zero constant) and free of the inner
 * variables; e and init free of s and of P, reading only other parameter
 * buffers; the inner bounds free of j; nothing else in the j body.
 */
#include "tuner_nest.h"
#include "tuner_loops.h"
#include "tuner_poly.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static const long tile_sizes[] = { 32 };

static struct poly *parse_range(const struct tctx *c, struct range r)
{
	char *t = tctx_text(c, r);
	struct poly *p = poly_parse(t, strlen(t));
	free(t);
	return p;
}

/* Whether fast's coefficient is +-1 and slow's covers fast's range. */
static int window_ok(const struct tctx *c, const struct poly *cfast, const struct poly *cslow,
		     size_t fast)
{
	struct poly *lo = parse_range(c, c->fors[fast].lo), *hi = parse_range(c, c->fors[fast].hi);
	struct poly *width = NULL, *d1 = NULL, *neg = NULL, *d2 = NULL;
	long long k = 0;
	int ok = 0;

	if (!lo || !hi || !poly_const(cfast, &k) || (k != 1 && k != -1))
		goto out;
	width = poly_sub(hi, lo);
	d1 = poly_sub(cslow, width);
	neg = poly_neg(cslow);
	d2 = poly_sub(neg, width);
	ok = (poly_const(d1, &k) && k >= 0) || (poly_const(d2, &k) && k >= 0);
out:
	poly_free(lo);
	poly_free(hi);
	poly_free(width);
	poly_free(d1);
	poly_free(neg);
	poly_free(d2);
	return ok;
}

/* The index text at r takes a different value at each (x, y) of the nest. */
static int injective2(const struct tctx *c, struct range r, size_t outer, size_t inner)
{
	const char *x = c->fors[outer].var, *y = c->fors[inner].var;
	struct poly *ip = parse_range(c, r), *cx = NULL, *cy = NULL;
	int ok = 0;

	if (!ip)
		return 0;
	cx = poly_coeff(ip, x);
	cy = poly_coeff(ip, y);
	if (cx && cy && !poly_mentions(cx, x) && !poly_mentions(cx, y) &&
	    !poly_mentions(cy, x) && !poly_mentions(cy, y))
		ok = window_ok(c, cy, cx, inner) || window_ok(c, cx, cy, outer);
	poly_free(ip);
	poly_free(cx);
	poly_free(cy);
	return ok;
}

static int free_of(const struct tctx *c, struct range r, const char *name)
{
	struct kfacts f;
	int ok;

	if (detect_facts(c->d, c->k->name, r, &f) < 0)
		return 0;
	ok = strvec_find(&f.refs, name) < 0;
	kfacts_release(&f);
	return ok;
}

static int calls_pure(const struct kfacts *f)
{
	size_t i;

	for (i = 0; i < f->calls.nr; i++)
		if (!tctx_pure_call(f->calls.v[i]))
			return 0;
	return 1;
}

#define KF_NEST_BAD (KF_BREAK | KF_CONTINUE | KF_GOTO | KF_RETURN | KF_DEREF | \
		     KF_UNKNOWN_ACCESS | KF_OPAQUE | KF_ADDR)

/* Memory accesses of a dependence-free nest body (see the top comment). */
static int accesses_ok(const struct tctx *c, const struct kfacts *bf, size_t outer,
		       size_t inner)
{
	size_t j, k, stores = 0;

	for (j = 0; j < bf->nr_acc; j++) {
		const struct kaccess *a = &bf->acc[j];
		const struct kparam *pm = tctx_param(c, a->base);
		if (!pm || !pm->is_pointer || !tctx_buffer_dir(c, a->base))
			return 0;
		for (k = 0; k < bf->nr_acc; k++) {
			const struct kaccess *s = &bf->acc[k];
			char *t;
			int same;
			if (!s->store || k == j || strcmp(s->base, a->base))
				continue;
			t = tctx_text(c, a->index);
			same = tctx_text_is(c, s->index, t);
			free(t);
			if (!same)
				return 0;
		}
		if (a->store) {
			if (!(tctx_buffer_dir(c, a->base) & BUF_OUT) ||
			    !injective2(c, a->index, outer, inner))
				return 0;
			stores++;
		}
	}
	return stores > 0;
}

static int nest_legal(struct tctx *c, size_t outer, size_t inner)
{
	const struct kfor *fi = &c->fors[inner];
	struct kfacts bf;
	size_t j;
	int ok = 0;

	if (!c->loops[outer].perfect || c->loops[inner].parent != (long)outer ||
	    !tloop_innermost(c, inner) || !tloop_canonical(c, outer) ||
	    !tloop_canonical(c, inner) || !free_of(c, fi->lo, c->fors[outer].var) ||
	    !free_of(c, fi->hi, c->fors[outer].var))
		return 0;
	detect_facts(c->d, c->k->name, c->loops[inner].body, &bf);
	if (bf.flags & KF_NEST_BAD || !calls_pure(&bf))
		goto out;
	for (j = 0; j < bf.nr_writes; j++)
		if (!bf.writes[j].local)
			goto out;
	ok = accesses_ok(c, &bf, outer, inner);
out:
	kfacts_release(&bf);
	return ok;
}

/* ---- interchange, tile ---- */

static int apply_interchange(struct tctx *c, const struct tplan *p, struct tedits *e)
{
	const struct kfor *a = &c->fors[p->loop], *b = &c->fors[p->loop2];

	tedits_add(e, a->header.start, a->header.end, tctx_text(c, b->header));
	tedits_add(e, b->header.start, b->header.end, tctx_text(c, a->header));
	return 0;
}

/* `for (T t = lo; t < hi; t = next) {\n T end = next;` for one tiled loop. */
static void tile_header(struct tctx *c, size_t i, long b, const char *t, const char *end,
			const char *ind, struct strbuf *sb)
{
	const struct kfor *f = &c->fors[i];
	char *lo = tctx_text(c, f->lo), *hi = tctx_text(c, f->hi);
	char *next = f->size <= 4
		? xstrfmt("(long long)(%s) - %s > %ld ? %s + %ld : (%s)", hi, t, b, t, b, hi)
		: xstrfmt("(%s) - %s > %ld ? %s + %ld : (%s)", hi, t, b, t, b, hi);

	strbuf_addf(sb, "for (%s %s = %s; %s < %s; %s = %s) {\n", f->type, t, lo, t, hi, t, next);
	strbuf_addf(sb, "%s\t%s %s = %s;\n", ind, f->type, end, next);
	free(lo);
	free(hi);
	free(next);
}

static int apply_tile(struct tctx *c, const struct tplan *p, struct tedits *e)
{
	const struct kfor *fo = &c->fors[p->loop], *fi = &c->fors[p->loop2];
	char *ind = tctx_indent(c, c->loops[p->loop].stmt.start), *ind2 = xstrfmt("%s\t", ind);
	char *names[4], *bases[4];
	char *body = tctx_text(c, c->loops[p->loop2].body);
	struct strbuf sb = STRBUF_INIT;
	size_t k;

	bases[0] = xstrfmt("%s_tile", fo->var);
	bases[1] = xstrfmt("%s_end", fo->var);
	bases[2] = xstrfmt("%s_tile", fi->var);
	bases[3] = xstrfmt("%s_end", fi->var);
	for (k = 0; k < 4; k++)
		names[k] = tctx_fresh(c, bases[k]);
	tile_header(c, p->loop, p->n, names[0], names[1], ind, &sb);
	strbuf_addf(&sb, "%s\t", ind);
	tile_header(c, p->loop2, p->n, names[2], names[3], ind2, &sb);
	strbuf_addf(&sb, "%s\t\tfor (%s %s = %s; %s < %s; %s++)\n", ind, fo->type, fo->var,
		    names[0], fo->var, names[1], fo->var);
	strbuf_addf(&sb, "%s\t\t\tfor (%s %s = %s; %s < %s; %s++)\n%s\t\t\t\t", ind, fi->type,
		    fi->var, names[2], fi->var, names[3], fi->var, ind);
	tctx_add_shifted(&sb, body, 2);
	strbuf_addf(&sb, "\n%s\t}\n%s}", ind, ind);
	tedits_add(e, c->loops[p->loop].stmt.start, c->loops[p->loop].stmt.end,
		   strbuf_detach(&sb, NULL));
	for (k = 0; k < 4; k++) {
		free(names[k]);
		free(bases[k]);
	}
	free(body);
	free(ind);
	free(ind2);
	return 0;
}

static void perfect_plans(struct tctx *c, size_t outer, struct tplans *l)
{
	size_t inner = outer + 1, k;

	if (inner >= c->nr_loops || !nest_legal(c, outer, inner))
		return;
	for (k = 0; k < ARRAY_SIZE(tile_sizes); k++)
		tplans_add(l, apply_tile, outer, inner, tile_sizes[k], NULL,
			   "tile loops %zu and %zu (for %s, for %s) by %ld", outer + 1, inner + 1,
			   c->fors[outer].var, c->fors[inner].var, tile_sizes[k]);
	tplans_add(l, apply_interchange, outer, inner, 0, NULL,
		   "interchange loops %zu and %zu (for %s, for %s)", outer + 1, inner + 1,
		   c->fors[outer].var, c->fors[inner].var);
}

/* ---- sink a loop below a reduction nest ---- */

struct sink {
	size_t j, k1, kd;       /* the loop sunk, the first and last inner loops */
	struct kstmt *st;       /* j's body: decl, for, store */
	size_t nr;
	struct kstmt *red;      /* kd's body: s += e */
	size_t nr_red;
};

static void sink_release(struct sink *s)
{
	detect_stmts_free(s->st, s->nr);
	detect_stmts_free(s->red, s->nr_red);
	memset(s, 0, sizeof(*s));
}

/* The chain of perfectly nested canonical loops from k1, its bounds free
 * of j's variable and of s; sets s->kd. */
static int sink_chain(struct tctx *c, struct sink *s, const char *acc)
{
	size_t k = s->k1;

	for (;;) {
		const struct kfor *f = &c->fors[k];
		if (!tloop_canonical(c, k) || !free_of(c, f->lo, c->fors[s->j].var) ||
		    !free_of(c, f->hi, c->fors[s->j].var) || !free_of(c, f->lo, acc) ||
		    !free_of(c, f->hi, acc))
			return 0;
		if (!c->loops[k].perfect)
			break;
		if (k + 1 >= c->nr_loops || c->loops[k + 1].parent != (long)k)
			return 0;
		k++;
	}
	s->kd = k;
	return tloop_innermost(c, k);
}

/* e and init: no writes, no stores, libm calls only, free of s and P,
 * reading only parameter buffers other than P. */
static int sink_expr_ok(struct tctx *c, struct range r, const char *acc, const char *out)
{
	struct kfacts f;
	size_t i;
	int ok;

	detect_facts(c->d, c->k->name, r, &f);
	ok = !f.nr_writes && !(f.flags & KF_NEST_BAD) && calls_pure(&f) &&
	     strvec_find(&f.refs, acc) < 0 && strvec_find(&f.refs, out) < 0;
	for (i = 0; ok && i < f.nr_acc; i++) {
		const struct kparam *pm = tctx_param(c, f.acc[i].base);
		ok = !f.acc[i].store && pm && pm->is_pointer && tctx_buffer_dir(c, pm->name);
	}
	kfacts_release(&f);
	return ok;
}

/* The store's index moves by a non-zero constant with j. */
static int sink_index_ok(struct tctx *c, const struct sink *s, const char *acc)
{
	struct poly *ip = parse_range(c, s->st[2].lhs_index), *co = NULL;
	long long k = 0;
	int ok;

	co = ip ? poly_coeff(ip, c->fors[s->j].var) : NULL;
	ok = co && poly_const(co, &k) && k != 0 && free_of(c, s->st[2].lhs_index, acc);
	poly_free(ip);
	poly_free(co);
	return ok;
}

static int sink_match(struct tctx *c, size_t jl, struct sink *s)
{
	const struct kstmt *st;
	const struct kparam *pm;
	const struct kvar *v;
	struct kfacts bf;
	size_t i;
	int ok = 0;

	memset(s, 0, sizeof(*s));
	s->j = jl;
	if (!tloop_canonical(c, jl) ||
	    detect_stmts(c->d, c->k->name, c->loops[jl].body, &s->st, &s->nr) < 0 || s->nr != 3)
		return 0;
	st = s->st;
	if (st[0].kind != KST_DECL || !st[0].name || st[0].init.start == st[0].init.end ||
	    st[1].kind != KST_FOR || st[2].kind != KST_EXPR || strcmp(st[2].op, "=") ||
	    !st[2].lhs_base || !tctx_text_is(c, st[2].rhs, st[0].name))
		return 0;
	for (i = jl + 1; i < c->nr_loops && c->loops[i].stmt.start != st[1].r.start; i++)
		;
	s->k1 = i;
	if (i == c->nr_loops || !sink_chain(c, s, st[0].name) ||
	    detect_stmts(c->d, c->k->name, c->loops[s->kd].body, &s->red, &s->nr_red) < 0 ||
	    s->nr_red != 1 || s->red[0].kind != KST_EXPR || !s->red[0].lhs_var ||
	    strcmp(s->red[0].lhs_var, st[0].name) ||
	    (strcmp(s->red[0].op, "+=") && strcmp(s->red[0].op, "-=")))
		return 0;
	pm = tctx_param(c, st[2].lhs_base);
	if (!pm || !pm->is_pointer || !(tctx_buffer_dir(c, pm->name) & BUF_OUT))
		return 0;
	detect_facts(c->d, c->k->name, c->loops[jl].body, &bf);
	v = kfacts_written(&bf, st[0].name);
	ok = !(bf.flags & KF_NEST_BAD) && v && v->local && !strcmp(v->type, pm->elem_type);
	for (i = 0; ok && i < bf.nr_writes; i++)
		ok = bf.writes[i].local;
	kfacts_release(&bf);
	return ok && sink_expr_ok(c, s->red[0].rhs, st[0].name, pm->name) &&
	       sink_expr_ok(c, st[0].init, st[0].name, pm->name) &&
	       sink_index_ok(c, s, st[0].name);
}

static void add_header(struct tctx *c, size_t i, struct strbuf *sb)
{
	char *h = tctx_text(c, c->fors[i].header);
	strbuf_addf(sb, "for %s\n", h);
	free(h);
}

static int apply_sink(struct tctx *c, const struct tplan *p, struct tedits *e)
{
	struct sink s;
	struct strbuf sb = STRBUF_INIT;
	char *ind, *base, *store, *init, *rhs;
	int wrap;
	size_t k, depth;

	if (!sink_match(c, p->loop, &s)) {
		sink_release(&s);
		return -1;
	}
	wrap = tctx_needs_braces(c, c->loops[s.j].stmt.start);
	ind = tctx_indent(c, c->loops[s.j].stmt.start);
	base = xstrfmt("%s%s", ind, wrap ? "\t" : "");
	store = tctx_text(c, s.st[2].lhs);
	init = tctx_text(c, s.st[0].init);
	rhs = tctx_text(c, s.red[0].rhs);
	if (wrap)
		strbuf_addf(&sb, "{\n%s", base);
	add_header(c, s.j, &sb);
	strbuf_addf(&sb, "%s\t%s = %s;\n", base, store, init);
	for (k = s.k1, depth = 0; k <= s.kd; k++, depth++) {
		strbuf_addstr(&sb, base);
		strbuf_addchars(&sb, '\t', depth);
		add_header(c, k, &sb);
	}
	strbuf_addstr(&sb, base);
	strbuf_addchars(&sb, '\t', depth);
	if (p->n) {
		/* vectorize the loop sunk, in its new place */
		struct strip w = { p->n, NULL, NULL, NULL, { 0, 0 } };
		struct strbuf ind2 = STRBUF_INIT, names = STRBUF_INIT;
		char *stmt = xstrfmt("%s %s (%s);", store, s.red[0].op, rhs);
		strbuf_addstr(&ind2, base);
		strbuf_addchars(&ind2, '\t', depth);
		tuner_strip_text(c, &c->fors[s.j], stmt, ind2.buf, &w, &sb);
		tctx_restrict_edits(c, e, &names);
		strbuf_release(&ind2);
		strbuf_release(&names);
		free(stmt);
	} else {
		add_header(c, s.j, &sb);
		strbuf_addstr(&sb, base);
		strbuf_addchars(&sb, '\t', depth + 1);
		strbuf_addf(&sb, "%s %s (%s);", store, s.red[0].op, rhs);
	}
	if (wrap)
		strbuf_addf(&sb, "\n%s}", ind);
	tedits_add(e, c->loops[s.j].stmt.start, c->loops[s.j].stmt.end, strbuf_detach(&sb, NULL));
	free(ind);
	free(base);
	free(store);
	free(init);
	free(rhs);
	sink_release(&s);
	return 0;
}

static void sink_plans(struct tctx *c, size_t jl, struct tplans *l)
{
	static const long widths[] = { 8, 16 };
	struct sink s;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, names = STRBUF_INIT;
	struct tedits e = { NULL, 0, 0 };
	size_t k;

	if (sink_match(c, jl, &s)) {
		tctx_loop_name(c, s.j, &a);
		tctx_loop_name(c, s.kd, &b);
		tplans_add(l, apply_sink, jl, s.kd, 0, NULL,
			   "sink %s below %s, accumulating into %s", a.buf, b.buf,
			   s.st[2].lhs_base);
		tctx_restrict_edits(c, &e, &names);
		for (k = 0; k < ARRAY_SIZE(widths); k++)
			tplans_add(l, apply_sink, jl, s.kd, widths[k], NULL,
				   "sink %s below %s, accumulating into %s, and vectorize it there "
				   "in blocks of %ld%s%s", a.buf, b.buf, s.st[2].lhs_base, widths[k],
				   names.len ? ", with restrict on " : "", names.buf);
	}
	for (k = 0; k < e.nr; k++)
		free(e.e[k].text);
	free(e.e);
	sink_release(&s);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&names);
}

void tuner_nest_plans(struct tctx *c, struct tplans *l)
{
	size_t i;

	for (i = 0; i < c->nr_loops; i++)
		if (c->fors[i].var)
			sink_plans(c, i, l);
	for (i = 0; i < c->nr_loops; i++)
		if (c->fors[i].var && c->loops[i].perfect)
			perfect_plans(c, i, l);
}
