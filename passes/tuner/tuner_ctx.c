/*
 * The tuner's shared helpers over a parsed variant (tuner_ctx.h): the
 * plan and edit lists, text of the unit, fresh names, parameters.  They use
 * no other tuner file, so tuner.c, tuner_loops.c and tuner_nest.c depend on
 * them and not on each other in a circle.
 */
#include "tuner_ctx.h"
#include "xalloc.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void tplans_add(struct tplans *l, tapply_fn apply, size_t loop, size_t loop2, long n,
		const char *what, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	struct tplan *p;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	ALLOC_GROW(l->p, l->nr + 1, l->alloc);
	p = &l->p[l->nr++];
	p->text = strbuf_detach(&sb, NULL);
	p->apply = apply;
	p->loop = loop;
	p->loop2 = loop2;
	p->n = n;
	p->what = what ? xstrdup(what) : NULL;
}

void tedits_add(struct tedits *e, size_t start, size_t end, char *text)
{
	ALLOC_GROW(e->e, e->nr + 1, e->alloc);
	e->e[e->nr].start = start;
	e->e[e->nr].end = end;
	e->e[e->nr].text = text;
	e->nr++;
}

void tedits_release(struct tedits *e)
{
	size_t i;

	for (i = 0; i < e->nr; i++)
		free(e->e[i].text);
	free(e->e);
	memset(e, 0, sizeof(*e));
}

char *tctx_text(const struct tctx *c, struct range r)
{
	return xstrndup(c->text->buf + r.start, r.end - r.start);
}

char *tctx_indent(const struct tctx *c, size_t off)
{
	size_t s = off, e;

	while (s > 0 && c->text->buf[s - 1] != '\n')
		s--;
	for (e = s; e < c->text->len && (c->text->buf[e] == ' ' || c->text->buf[e] == '\t'); e++)
		;
	return xstrndup(c->text->buf + s, e - s);
}

int tctx_uses_word(const char *text, size_t len, const char *w)
{
	size_t n = strlen(w);
	const char *p = text, *end = text + len;

	while (p + n <= end && (p = memmem(p, (size_t)(end - p), w, n))) {
		int before = p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_');
		int after = p + n < end && (isalnum((unsigned char)p[n]) || p[n] == '_');
		if (!before && !after)
			return 1;
		p += n;
	}
	return 0;
}

char *tctx_fresh(const struct tctx *c, const char *base)
{
	char *name = xstrdup(base);
	int i;

	for (i = 2; tctx_uses_word(c->text->buf, c->text->len, name); i++) {
		free(name);
		name = xstrfmt("%s%d", base, i);
	}
	return name;
}

void tctx_add_shifted(struct strbuf *sb, const char *text, int extra)
{
	for (; *text; text++) {
		strbuf_addch(sb, *text);
		if (*text == '\n' && text[1] && text[1] != '\n' && text[1] != '#')
			strbuf_addchars(sb, '\t', (size_t)extra);
	}
}

int tctx_buffer_dir(const struct tctx *c, const char *name)
{
	const struct pragma *pr = c->k->pragma;
	size_t i;

	for (i = 0; name && i < pr->nr_bufs; i++)
		if (!strcmp(pr->bufs[i].name, name))
			return (int)pr->bufs[i].dir;
	return 0;
}

const struct kparam *tctx_param(const struct tctx *c, const char *name)
{
	size_t i;

	for (i = 0; name && i < c->k->nr_params; i++)
		if (c->k->params[i].name && !strcmp(c->k->params[i].name, name))
			return &c->k->params[i];
	return NULL;
}

void tctx_loop_name(const struct tctx *c, size_t i, struct strbuf *sb)
{
	const struct kloop *l = &c->loops[i];
	const char *kind = l->kind == KLOOP_FOR ? "for" : l->kind == KLOOP_WHILE ? "while" : "do";

	strbuf_addf(sb, "loop %zu (%s", i + 1, kind);
	if (l->var)
		strbuf_addf(sb, " %s", l->var);
	strbuf_addf(sb, ", depth %u)", l->depth);
}

int tctx_text_is(const struct tctx *c, struct range r, const char *s)
{
	size_t p = r.start;

	for (;;) {
		while (p < r.end && isspace((unsigned char)c->text->buf[p]))
			p++;
		while (*s && isspace((unsigned char)*s))
			s++;
		if (p >= r.end || !*s)
			return p >= r.end && !*s;
		if (c->text->buf[p++] != *s++)
			return 0;
	}
}

int tctx_needs_braces(const struct tctx *c, size_t off)
{
	while (off > 0 && isspace((unsigned char)c->text->buf[off - 1]))
		off--;
	return off > 0 && !strchr(";{}", c->text->buf[off - 1]);
}

int tctx_pure_call(const char *name)
{
	static const char *const pure[] = {
		"sqrt", "exp", "log", "fabs", "fmin", "fmax", "floor", "ceil", "sin", "cos",
		"tanh", "pow", "exp2", "log2", "trunc", "round", "copysign", "fma", NULL
	};
	size_t i, n;

	for (i = 0; pure[i]; i++) {
		n = strlen(pure[i]);
		if (!strncmp(name, pure[i], n) && (!name[n] || !strcmp(name + n, "f")))
			return 1;
	}
	return !strcmp(name, "abs") || !strcmp(name, "labs") || !strcmp(name, "llabs");
}

/* ---- restrict ---- */

static int already_restrict(const char *decl, size_t len)
{
	return tctx_uses_word(decl, len, "restrict") || tctx_uses_word(decl, len, "__restrict") ||
	       tctx_uses_word(decl, len, "__restrict__");
}

int tctx_restrict_edits(struct tctx *c, struct tedits *e, struct strbuf *names)
{
	struct kparm *parms = NULL;
	size_t nr = 0, i, nr_bufs = 0;
	int added = 0;

	if (detect_params(c->d, c->k->name, &parms, &nr) < 0)
		return 0;
	for (i = 0; i < nr; i++)
		nr_bufs += tctx_buffer_dir(c, parms[i].name) != 0;
	for (i = 0; nr_bufs >= 2 && i < nr; i++) {
		const char *t = c->text->buf;
		size_t star = parms[i].name_at;
		if (!tctx_buffer_dir(c, parms[i].name) ||
		    already_restrict(t + parms[i].r.start, parms[i].r.end - parms[i].r.start))
			continue;
		while (star > parms[i].r.start && isspace((unsigned char)t[star - 1]))
			star--;
		if (star <= parms[i].r.start || t[star - 1] != '*')
			continue; /* a typedef'd pointer or an array declarator */
		tedits_add(e, star, star, xstrdup("restrict "));
		if (names->len)
			strbuf_addstr(names, ", ");
		strbuf_addstr(names, parms[i].name);
		added++;
	}
	detect_params_free(parms, nr);
	return added;
}
