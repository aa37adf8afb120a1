/*
 * builtin::tuner (tuner.h): parsing the variant, the list of plans, and
 * the kernel-level transformations (restrict, target attribute, assumes).
 * Loop transformations are in tuner_loops.c and tuner_nest.c.
 *
 * A plan is implemented by listing the plans of the same variant again and
 * applying the one whose text matches, so a plan is exactly as legal as
 * when it was offered, and a plan text from anywhere else is refused.
 */
#include "tuner_ctx.h"
#include "tuner_loops.h"
#include "tuner_nest.h"
#include "log.h"
#include "xalloc.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int apply_restrict(struct tctx *c, const struct tplan *p, struct tedits *e)
{
	struct strbuf names = STRBUF_INIT;
	int n = tctx_restrict_edits(c, e, &names);

	strbuf_release(&names);
	return n ? 0 : -1;
}

/* ---- target attribute ---- */

struct isa_level {
	const char *name;
	const char *need;               /* the feature the level is named after */
	const char *const features[16]; /* fingerprint names, in attribute order */
};

static const struct isa_level isa_levels[] = {
	{ "avx512", "avx512f", { "avx512f", "avx512vl", "avx512bw", "avx512dq", "avx512cd",
				 "avx2", "fma", "bmi1", "bmi2", "f16c", "popcnt", "lzcnt", NULL } },
	{ "avx2", "avx2", { "avx2", "fma", "bmi1", "bmi2", "f16c", "popcnt", "lzcnt", NULL } },
};

static int has_feature(const char *isa, const char *f)
{
	return isa && tctx_uses_word(isa, strlen(isa), f);
}

/* The attribute's feature list for this machine ("avx2,fma,..."). */
static char *level_features(const struct tctx *c, const struct isa_level *lv)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; lv->features[i]; i++) {
		const char *f = lv->features[i];
		if (!has_feature(c->k->isa, f))
			continue;
		if (sb.len)
			strbuf_addch(&sb, ',');
		/* gcc and clang spell BMI1 "bmi" */
		strbuf_addstr(&sb, !strcmp(f, "bmi1") ? "bmi" : f);
	}
	return strbuf_detach(&sb, NULL);
}

static int has_target_attribute(const struct tctx *c)
{
	return memmem(c->text->buf + c->def.start, c->body.start - c->def.start, "target",
		      6) != NULL;
}

static int apply_target(struct tctx *c, const struct tplan *p, struct tedits *e)
{
	const struct isa_level *lv = &isa_levels[p->n];
	char *features = level_features(c, lv);

	tedits_add(e, c->def.start, c->def.start,
		   xstrfmt("__attribute__((target(\"%s\")))\n", features));
	free(features);
	return 0;
}

static void target_plans(struct tctx *c, struct tplans *l)
{
	size_t i;

	if (has_target_attribute(c))
		return;
	for (i = 0; i < ARRAY_SIZE(isa_levels); i++) {
		char *features;
		if (!has_feature(c->k->isa, isa_levels[i].need))
			continue;
		features = level_features(c, &isa_levels[i]);
		tplans_add(l, apply_target, 0, 0, (long)i, isa_levels[i].name,
			   "add target attribute %s (\"%s\"; lets the compiler use FMA: "
			   "changes rounding)", isa_levels[i].name, features);
		free(features);
	}
}

/* ---- assume clauses ---- */

/*
 * An assume expression as C: the pragma evaluates integers in long long
 * (expr.h), so integer parameters are widened to match, and C cannot
 * overflow where the pragma did not.  NULL for an expression with an
 * unsigned literal, whose C meaning would differ (expr.h keeps it signed).
 */
static char *assume_as_c(const struct tctx *c, const char *e)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = e;

	while (*p) {
		size_t n = 0;
		if (isdigit((unsigned char)*p)) {
			while (isalnum((unsigned char)p[n]) || p[n] == '.')
				n++;
			if (memchr(p, 'u', n) || memchr(p, 'U', n)) {
				strbuf_release(&sb);
				return NULL;
			}
		} else if (isalpha((unsigned char)*p) || *p == '_') {
			const struct kparam *pm;
			char *name;
			while (isalnum((unsigned char)p[n]) || p[n] == '_')
				n++;
			name = xstrndup(p, n);
			pm = tctx_param(c, name);
			if (pm && !pm->is_pointer && (pm->kind == KS_INT || pm->kind == KS_UINT ||
						      pm->kind == KS_BOOL))
				strbuf_addf(&sb, "((long long)%s)", name);
			else
				strbuf_addstr(&sb, name);
			free(name);
			p += n;
			continue;
		} else
			n = 1;
		strbuf_add(&sb, p, n);
		p += n;
	}
	return strbuf_detach(&sb, NULL);
}

static void assume_text(const struct tctx *c, struct strbuf *sb, const char *indent)
{
	size_t i;

	for (i = 0; i < c->k->pragma->nr_assumes; i++) {
		char *e = assume_as_c(c, c->k->pragma->assumes[i].text);
		if (e)
			strbuf_addf(sb, "%sif (!(%s))\n%s\t__builtin_unreachable(); /* assume */\n",
				    indent, e, indent);
		free(e);
	}
}

static int apply_assume(struct tctx *c, const struct tplan *p, struct tedits *e)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addch(&sb, '\n');
	assume_text(c, &sb, "\t");
	if (sb.len == 1) {
		strbuf_release(&sb);
		return -1;
	}
	strbuf_setlen(&sb, sb.len - 1);
	tedits_add(e, c->body.start + 1, c->body.start + 1, strbuf_detach(&sb, NULL));
	return 0;
}

static void assume_plans(struct tctx *c, struct tplans *l)
{
	struct strbuf list = STRBUF_INIT;
	size_t i;

	if (!c->k->pragma->nr_assumes ||
	    memmem(c->text->buf + c->body.start, c->body.end - c->body.start,
		   "/* assume */", 12))
		return;
	assume_text(c, &list, "");
	if (!list.len)
		return;
	strbuf_reset(&list);
	for (i = 0; i < c->k->pragma->nr_assumes; i++)
		strbuf_addf(&list, "%s%s", i ? "; " : "", c->k->pragma->assumes[i].text);
	tplans_add(l, apply_assume, 0, 0, 0, NULL,
		   "state the assume clauses at entry with __builtin_unreachable (%s)", list.buf);
	strbuf_release(&list);
}

static void restrict_plans(struct tctx *c, struct tplans *l)
{
	struct tedits e = { NULL, 0, 0 };
	struct strbuf names = STRBUF_INIT;

	if (tctx_restrict_edits(c, &e, &names))
		tplans_add(l, apply_restrict, 0, 0, 0, NULL,
			   "add restrict to pointer parameters %s", names.buf);
	tedits_release(&e);
	strbuf_release(&names);
}

/* ---- parsing the variant, listing, applying ---- */

static void tctx_release(struct tctx *c)
{
	size_t i;

	for (i = 0; c->fors && i < c->nr_loops; i++)
		kfor_release(&c->fors[i]);
	free(c->fors);
	if (c->loops)
		detect_loops_free(c->loops, c->nr_loops);
	kfacts_release(&c->fn);
	detect_free(c->d);
	memset(c, 0, sizeof(*c));
}

/* libclang's extents stop before the ';' of an expression statement: a loop
 * whose body is one takes its ';' into both ranges (as a do loop does). */
static void include_semicolon(const struct tctx *c, struct kloop *l)
{
	const char *t = c->text->buf;
	size_t p = l->stmt.end;

	while (p < c->text->len && isspace((unsigned char)t[p]))
		p++;
	if (p >= c->text->len || t[p] != ';')
		return;
	if (l->kind == KLOOP_DO) {
		l->stmt.end = p + 1;
	} else if (l->body.end == l->stmt.end && l->body.end > l->body.start &&
		   t[l->body.end - 1] != '}' && t[l->body.end - 1] != ';') {
		l->body.end = p + 1;
		l->stmt.end = p + 1;
	}
}

static int tctx_init(struct tctx *c, const struct tuner_kernel *k, const char *unit,
		     size_t vstart, size_t vlen)
{
	struct strvec none = STRVEC_INIT;
	enum detect_status st;
	size_t i;

	memset(c, 0, sizeof(*c));
	c->k = k;
	c->clang = k->compiler && strstr(k->compiler, "clang") != NULL;
	c->d = detect_buffer(k->path ? k->path : "accc-tuner.c", unit, strlen(unit),
			     k->flags ? k->flags : &none, &st);
	if (st == DETECT_PARSE_FAILED)
		return error("tuner cannot parse the unit of '%s': %s", k->name,
			     detect_diagnostics(c->d));
	c->text = detect_text(c->d);
	c->vstart = vstart;
	c->vend = vstart + vlen;
	if (detect_function(c->d, k->name, &c->def) < 0 || c->def.start < c->vstart ||
	    c->def.end > c->vend)
		return error("no definition of '%s' inside the variant", k->name);
	c->body.end = c->def.end;
	c->body.start = c->def.start;
	while (c->body.start < c->def.end && c->text->buf[c->body.start] != '{')
		c->body.start++;
	if (detect_loops(c->d, k->name, &c->loops, &c->nr_loops) < 0 ||
	    detect_facts(c->d, k->name, c->def, &c->fn) < 0)
		return -1;
	for (i = 0; i < c->nr_loops; i++)
		include_semicolon(c, &c->loops[i]);
	c->fors = xcalloc(c->nr_loops + 1, sizeof(*c->fors));
	for (i = 0; i < c->nr_loops; i++)
		if (c->loops[i].kind == KLOOP_FOR)
			detect_for(c->d, k->name, c->loops[i].stmt.start, &c->fors[i]);
	return 0;
}

static void list_plans(struct tctx *c, struct tplans *l)
{
	tuner_nest_plans(c, l);
	tuner_loop_plans(c, l);
	target_plans(c, l);
	restrict_plans(c, l);
	tuner_unroll_plans(c, l);
	assume_plans(c, l);
}

static void tplans_release(struct tplans *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++) {
		free(l->p[i].text);
		free(l->p[i].what);
	}
	free(l->p);
	memset(l, 0, sizeof(*l));
}

int tuner_plans(const struct tuner_kernel *k, const char *unit, size_t variant_start,
		size_t variant_len, struct strvec *ret_plans)
{
	struct tctx c;
	struct tplans l = { NULL, 0, 0 };
	size_t i;
	int ret = -1;

	if (tctx_init(&c, k, unit, variant_start, variant_len) < 0)
		goto out;
	list_plans(&c, &l);
	for (i = 0; i < l.nr; i++)
		strvec_push(ret_plans, l.p[i].text);
	ret = (int)l.nr;
out:
	tplans_release(&l);
	tctx_release(&c);
	return ret;
}

static int cmp_edit(const void *a, const void *b)
{
	const struct tedit *x = a, *y = b;
	return x->start < y->start ? 1 : x->start > y->start ? -1 : 0;
}

/* The variant with the edits made (edits must not overlap). */
static int apply_edits(const struct tctx *c, struct tedits *e, struct strbuf *out)
{
	struct strbuf v = STRBUF_INIT;
	size_t i;

	qsort(e->e, e->nr, sizeof(*e->e), cmp_edit);
	for (i = 0; i < e->nr; i++)
		if (e->e[i].start < c->vstart || e->e[i].end > c->vend ||
		    e->e[i].end < e->e[i].start ||
		    (i && e->e[i].end > e->e[i - 1].start))
			return error("tuner edit out of place in '%s'", c->k->name);
	strbuf_add(&v, c->text->buf + c->vstart, c->vend - c->vstart);
	for (i = 0; i < e->nr; i++)
		strbuf_splice(&v, e->e[i].start - c->vstart, e->e[i].end - e->e[i].start,
			      e->e[i].text, strlen(e->e[i].text));
	strbuf_add(out, v.buf, v.len);
	strbuf_release(&v);
	return 0;
}

int tuner_implement(const struct tuner_kernel *k, const char *unit, size_t variant_start,
		    size_t variant_len, const char *plan, struct strbuf *ret_variant)
{
	struct tctx c;
	struct tplans l = { NULL, 0, 0 };
	struct tedits e = { NULL, 0, 0 };
	size_t i;
	int ret = -1;

	if (tctx_init(&c, k, unit, variant_start, variant_len) < 0)
		goto out;
	list_plans(&c, &l);
	for (i = 0; i < l.nr; i++)
		if (!strcmp(l.p[i].text, plan))
			break;
	if (i == l.nr || l.p[i].apply(&c, &l.p[i], &e) < 0)
		goto out;
	ret = apply_edits(&c, &e, ret_variant);
out:
	tedits_release(&e);
	tplans_release(&l);
	tctx_release(&c);
	return ret;
}
