/*
 * The closure of a kernel: which parts of the main file a standalone unit
 * needs.  A worklist over top-level declarations and macro definitions:
 * every cursor inside a needed declaration that refers to something
 * declared in the main file pulls in that declaration (and its definition),
 * every macro expanded inside it pulls in the macro, and every identifier
 * in a needed macro's body pulls in the macro or declaration of that name.
 * Headers are kept whole by keeping the inclusion directives that precede
 * the kernel, with the macros defined before them (they may configure the
 * headers, as _GNU_SOURCE or NDEBUG do).
 */
#include "detect_int.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

struct closure {
	const struct detect *d;
	size_t kernel_start;
	char *tl_marked;
	char *macro_marked;
	size_t *tl_queue, nr_tl_queue, alloc_tl_queue;
	size_t *macro_queue, nr_macro_queue, alloc_macro_queue;
};

static void mark_tl(struct closure *c, long i)
{
	if (i < 0 || c->tl_marked[i])
		return;
	c->tl_marked[i] = 1;
	ALLOC_GROW(c->tl_queue, c->nr_tl_queue + 1, c->alloc_tl_queue);
	c->tl_queue[c->nr_tl_queue++] = (size_t)i;
}

static void mark_macro(struct closure *c, long i)
{
	if (i < 0 || !c->d->macros[i].in_main || c->macro_marked[i])
		return;
	c->macro_marked[i] = 1;
	ALLOC_GROW(c->macro_queue, c->nr_macro_queue + 1, c->alloc_macro_queue);
	c->macro_queue[c->nr_macro_queue++] = (size_t)i;
}

static void mark_cursor(struct closure *c, CXCursor r)
{
	size_t off;

	if (clang_Cursor_isNull(r) || clang_isInvalid(clang_getCursorKind(r)))
		return;
	if (detect_main_offset(c->d, clang_getCursorLocation(r), &off))
		mark_tl(c, detect_toplevel_at(c->d, off));
}

static enum CXChildVisitResult refs_visit(CXCursor cur, CXCursor parent, CXClientData data)
{
	struct closure *c = data;
	CXCursor r = clang_getCursorReferenced(cur);

	if (!clang_Cursor_isNull(r) && !clang_equalCursors(r, cur)) {
		mark_cursor(c, r);
		mark_cursor(c, clang_getCursorDefinition(r));
	}
	mark_cursor(c, clang_getTypeDeclaration(clang_getCursorType(cur)));
	return CXChildVisit_Recurse;
}

static void walk_toplevel(struct closure *c, size_t i)
{
	const struct detect *d = c->d;
	const struct toplevel *tl = &d->tls[i];
	size_t j;

	clang_visitChildren(tl->cur, refs_visit, c);
	for (j = 0; j < d->nr_exps; j++)
		if (d->exps[j].off >= tl->start && d->exps[j].off < tl->end) {
			size_t off;
			CXCursor def = d->exps[j].def;
			if (!clang_Cursor_isNull(def) &&
			    detect_main_offset(d, clang_getCursorLocation(def), &off)) {
				long k;
				for (k = 0; k < (long)d->nr_macros; k++)
					if (d->macros[k].in_main && d->macros[k].r.start <= off &&
					    off < d->macros[k].r.end)
						mark_macro(c, k);
			}
		}
}

static void walk_macro(struct closure *c, size_t i)
{
	const struct detect *d = c->d;
	CXToken *toks = NULL;
	unsigned n = 0, j;

	clang_tokenize(d->tu, clang_getCursorExtent(d->macros[i].cur), &toks, &n);
	for (j = 1; j < n; j++) {
		char *sp;
		size_t k;
		if (clang_getTokenKind(toks[j]) != CXToken_Identifier)
			continue;
		sp = detect_cxstr(clang_getTokenSpelling(d->tu, toks[j]));
		mark_macro(c, detect_find_macro(d, sp, c->kernel_start));
		for (k = 0; k < d->nr_names; k++)
			if (!strcmp(d->names[k].name, sp) &&
			    d->tls[d->names[k].tl].start < c->kernel_start)
				mark_tl(c, (long)d->names[k].tl);
		free(sp);
	}
	clang_disposeTokens(d->tu, toks, n);
}

static void add_range(struct range **r, size_t *nr, size_t *alloc, size_t s, size_t e)
{
	ALLOC_GROW(*r, *nr + 1, *alloc);
	(*r)[*nr].start = s;
	(*r)[(*nr)++].end = e;
}

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

static int only_space(const struct strbuf *t, size_t from, size_t to)
{
	for (; from < to; from++)
		if (!strchr(" \t\r\n", t->buf[from]))
			return 0;
	return 1;
}

/* Sort and merge ranges that overlap or have only blanks between them. */
static size_t merge_ranges(const struct strbuf *t, struct range *r, size_t nr)
{
	size_t i, out = 0;

	if (!nr)
		return 0;
	qsort(r, nr, sizeof(*r), cmp_range);
	for (i = 1; i < nr; i++) {
		if (r[i].start <= r[out].end || only_space(t, r[out].end, r[i].start)) {
			if (r[i].end > r[out].end)
				r[out].end = r[i].end;
		} else
			r[++out] = r[i];
	}
	return out + 1;
}

/* Keep the includes before the kernel, and the macros before the last. */
static void mark_includes(struct closure *c, struct range **r, size_t *nr, size_t *alloc)
{
	const struct detect *d = c->d;
	size_t last = 0, i;

	for (i = 0; i < d->nr_includes; i++)
		if (d->includes[i].start < c->kernel_start) {
			add_range(r, nr, alloc, d->includes[i].start, d->includes[i].end);
			last = d->includes[i].start;
		}
	for (i = 0; i < d->nr_macros; i++)
		if (d->macros[i].in_main && d->macros[i].r.start < last)
			mark_macro(c, (long)i);
}

int detect_closure(const struct detect *d, size_t ki, struct range **ret_ranges,
		   size_t *ret_nr)
{
	struct closure c;
	const struct kernel *k = detect_kernel(d, ki);
	struct range *r = NULL;
	size_t nr = 0, alloc = 0, i;

	memset(&c, 0, sizeof(c));
	c.d = d;
	c.kernel_start = k->def.start;
	c.tl_marked = xcalloc(d->nr_tls + 1, 1);
	c.macro_marked = xcalloc(d->nr_macros + 1, 1);
	mark_tl(&c, detect_toplevel_at(d, k->def.start));
	mark_includes(&c, &r, &nr, &alloc);
	while (c.nr_tl_queue || c.nr_macro_queue) {
		if (c.nr_tl_queue)
			walk_toplevel(&c, c.tl_queue[--c.nr_tl_queue]);
		else
			walk_macro(&c, c.macro_queue[--c.nr_macro_queue]);
	}
	for (i = 0; i < d->nr_tls; i++)
		if (c.tl_marked[i]) {
			size_t s = d->tls[i].start;
			/* a line of its own keeps `#line` exact */
			while (s > 0 && (d->text.buf[s - 1] == ' ' || d->text.buf[s - 1] == '\t'))
				s--;
			if (s > 0 && d->text.buf[s - 1] != '\n')
				s = d->tls[i].start;
			add_range(&r, &nr, &alloc, s, d->tls[i].end);
		}
	for (i = 0; i < d->nr_macros; i++)
		if (c.macro_marked[i])
			add_range(&r, &nr, &alloc, d->macros[i].r.start, d->macros[i].r.end);
	*ret_nr = merge_ranges(&d->text, r, nr);
	*ret_ranges = r;
	free(c.tl_marked);
	free(c.macro_marked);
	free(c.tl_queue);
	free(c.macro_queue);
	return 0;
}
