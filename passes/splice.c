#include "splice.h"
#include "log.h"
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
