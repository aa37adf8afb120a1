#include "splice.h"
#include "log.h"
#include "normalize.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

void splice_add_line_name(struct strbuf *out, const char *path)
{
	strbuf_addch(out, '"');
	for (; *path; path++) {
		if (*path == '"' || *path == '\\')
			strbuf_addch(out, '\\');
		strbuf_addch(out, *path);
	}
	strbuf_addch(out, '"');
}

void splice_copy_erased(struct strbuf *out, const struct strbuf *text,
			struct range r, const struct range *sites,
			size_t nr_sites)
{
	size_t start = out->len, i, p;

	strbuf_add(out, text->buf + r.start, r.end - r.start);
	for (i = 0; i < nr_sites; i++) {
		size_t s = sites[i].start > r.start ? sites[i].start : r.start;
		size_t e = sites[i].end < r.end ? sites[i].end : r.end;
		for (p = s; p < e; p++)
			if (out->buf[start + p - r.start] != '\n')
				out->buf[start + p - r.start] = ' ';
	}
}

static int cmp_repl(const void *a, const void *b)
{
	const struct splice_repl *x = a, *y = b;
	return x->def.start < y->def.start ? -1 : x->def.start > y->def.start;
}

/* Line (1-based) and column (0-based) of offset. */
static void line_col(const struct strbuf *t, size_t off, size_t *line, size_t *col)
{
	size_t i, l = 1, ls = 0;

	for (i = 0; i < off; i++)
		if (t->buf[i] == '\n') {
			l++;
			ls = i + 1;
		}
	*line = l;
	*col = off - ls;
}

void splice_unit(const struct strbuf *text, const char *path,
		 const struct range *sites, size_t nr_sites,
		 const struct splice_repl *repls, size_t nr_repls,
		 struct strbuf *out)
{
	struct splice_repl *sorted = xcalloc(nr_repls + 1, sizeof(*sorted));
	struct range r;
	size_t pos = 0, i;

	if (nr_repls) /* repls may be NULL when there is none: memcpy(.., NULL, 0) is UB */
		memcpy(sorted, repls, nr_repls * sizeof(*sorted));
	qsort(sorted, nr_repls, sizeof(*sorted), cmp_repl);
	strbuf_addstr(out, "#line 1 ");
	splice_add_line_name(out, path);
	strbuf_addch(out, '\n');
	for (i = 0; i < nr_repls; i++) {
		size_t line, col;
		char *vname;

		if (sorted[i].def.start < pos || sorted[i].def.end > text->len)
			BUG("overlapping or out-of-range replacement");
		r.start = pos;
		r.end = sorted[i].def.start;
		splice_copy_erased(out, text, r, sites, nr_sites);
		if (out->len && out->buf[out->len - 1] != '\n')
			strbuf_addch(out, '\n');
		vname = xstrfmt("accc-variant/%s.c", sorted[i].name);
		strbuf_addstr(out, "#line 1 ");
		splice_add_line_name(out, vname);
		free(vname);
		strbuf_addch(out, '\n');
		strbuf_addstr(out, sorted[i].text);
		if (out->buf[out->len - 1] != '\n')
			strbuf_addch(out, '\n');
		line_col(text, sorted[i].def.end, &line, &col);
		strbuf_addf(out, "#line %zu ", line);
		splice_add_line_name(out, path);
		strbuf_addch(out, '\n');
		strbuf_addchars(out, ' ', col);
		pos = sorted[i].def.end;
	}
	r.start = pos;
	r.end = text->len;
	splice_copy_erased(out, text, r, sites, nr_sites);
	free(sorted);
}

/* The tokens of a text, as normalize_c keeps them. */
static struct norm_token *tokens_of(const struct strbuf *text, size_t *ret_nr)
{
	struct strbuf t = STRBUF_INIT;
	struct norm_token *toks;

	normalize_c_tokens(text->buf, text->len, &t, &toks, ret_nr);
	strbuf_release(&t);
	return toks;
}

static void range_tokens(const struct norm_token *toks, size_t nr, struct direct_range *r)
{
	size_t i;

	for (i = 0; i < nr && toks[i].start < r->start; i++)
		;
	r->tstart = i;
	for (; i < nr && toks[i].end <= r->end; i++)
		;
	r->tend = i;
}

void splice_recipe_tokens(const struct strbuf *text, struct direct_recipe *rc)
{
	size_t nr, i;
	struct norm_token *toks = tokens_of(text, &nr);

	for (i = 0; i < rc->nr_sites; i++)
		range_tokens(toks, nr, &rc->sites[i]);
	for (i = 0; i < rc->nr_repls; i++)
		range_tokens(toks, nr, &rc->repls[i].at);
	free(toks);
}

/* The bytes of r in a text with tokens toks (the same tokens it was made for). */
static int range_bytes(const struct norm_token *toks, size_t nr, const struct direct_range *r,
		       size_t len, struct range *ret)
{
	if (r->tend > nr || r->tstart > r->tend)
		return -1;
	if (r->tstart == r->tend) { /* no token: an empty range where the next one starts */
		ret->start = ret->end = r->tstart < nr ? toks[r->tstart].start : len;
		return 0;
	}
	ret->start = toks[r->tstart].start;
	ret->end = toks[r->tend - 1].end;
	return 0;
}

int splice_recipe(const struct strbuf *text, const char *path, const struct direct_recipe *rc,
		  int exact, struct strbuf *out)
{
	struct range *sites = xcalloc(rc->nr_sites + 1, sizeof(*sites));
	struct splice_repl *repls = xcalloc(rc->nr_repls + 1, sizeof(*repls));
	struct norm_token *toks = NULL;
	size_t nr = 0, i, j;
	int ret = -1;

	if (!exact)
		toks = tokens_of(text, &nr);
	for (i = 0; i < rc->nr_sites; i++) {
		if (exact) {
			sites[i].start = rc->sites[i].start;
			sites[i].end = rc->sites[i].end;
		} else if (range_bytes(toks, nr, &rc->sites[i], text->len, &sites[i]) < 0)
			goto out;
		if (sites[i].end > text->len)
			goto out;
	}
	for (i = 0; i < rc->nr_repls; i++) {
		if (exact) {
			repls[i].def.start = rc->repls[i].at.start;
			repls[i].def.end = rc->repls[i].at.end;
		} else if (range_bytes(toks, nr, &rc->repls[i].at, text->len, &repls[i].def) < 0)
			goto out;
		if (repls[i].def.end > text->len)
			goto out;
		for (j = 0; j < i; j++)
			if (repls[i].def.start < repls[j].def.end && repls[j].def.start < repls[i].def.end)
				goto out; /* overlapping: not a recipe accc made */
		repls[i].name = rc->repls[i].name;
		repls[i].text = rc->repls[i].text;
	}
	splice_unit(text, path, sites, rc->nr_sites, repls, rc->nr_repls, out);
	ret = 0;
out:
	free(toks);
	free(sites);
	free(repls);
	return ret;
}
