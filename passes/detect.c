/*
 * Kernel detection through libclang.
 *
 * libclang has no cursor for pragmas, but the preprocessor reports every
 * pragma it does not know with -Wunknown-pragmas, at the place it was
 * really seen: skipped `#if 0` blocks never report, and a `_Pragma` from a
 * macro reports at the macro's use.  Those diagnostics are the list of
 * pragmas; their text is read from the file (a directive, or a _Pragma
 * operator) or from the tokens of the macro that produced it.
 */
#include "detect_int.h"
#include "log.h"
#include "target.h"
#include "xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

char *detect_cxstr(CXString s)
{
	const char *c = clang_getCString(s);
	char *ret = xstrdup(c ? c : "");
	clang_disposeString(s);
	return ret;
}

/* Expansion offset of a location, if it lies in the main file. */
int detect_main_offset(const struct detect *d, CXSourceLocation loc, size_t *ret)
{
	CXFile f;
	unsigned line, col, off;

	clang_getExpansionLocation(loc, &f, &line, &col, &off);
	if (!f || !clang_File_isEqual(f, d->file))
		return 0;
	*ret = off;
	return 1;
}

static void index_lines(struct detect *d)
{
	size_t i, alloc = 0;

	d->line_starts = NULL;
	d->nr_lines = 0;
	ALLOC_GROW(d->line_starts, 1, alloc);
	d->line_starts[d->nr_lines++] = 0;
	for (i = 0; i < d->text.len; i++)
		if (d->text.buf[i] == '\n') {
			ALLOC_GROW(d->line_starts, d->nr_lines + 1, alloc);
			d->line_starts[d->nr_lines++] = i + 1;
		}
}

unsigned detect_line_of(const struct detect *d, size_t offset)
{
	size_t lo = 0, hi = d->nr_lines;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (d->line_starts[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	return (unsigned)lo + 1;
}

static unsigned col_of(const struct detect *d, size_t offset)
{
	return (unsigned)(offset - d->line_starts[detect_line_of(d, offset) - 1]) + 1;
}

static void diag_at(struct detect *d, size_t offset, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void diag_at(struct detect *d, size_t offset, const char *fmt, ...)
{
	va_list ap;

	strbuf_addf(&d->diags, "%s:%u:%u: error: autocomp: ", d->path,
		    detect_line_of(d, offset), col_of(d, offset));
	va_start(ap, fmt);
	strbuf_vaddf(&d->diags, fmt, ap);
	va_end(ap);
	strbuf_addch(&d->diags, '\n');
}

/* ---- lexical helpers over the main file's text ---- */

static int is_ident(int c)
{
	return isalnum(c) || c == '_';
}

/* Skip blanks, comments and backslash-newlines; stops at a newline when
 * `stop_at_newline`. */
static size_t skip_space(const struct strbuf *t, size_t p, int stop_at_newline)
{
	while (p < t->len) {
		char c = t->buf[p];
		if (c == '\\' && p + 1 < t->len && t->buf[p + 1] == '\n')
			p += 2;
		else if (c == '\n' && stop_at_newline)
			break;
		else if (isspace((unsigned char)c))
			p++;
		else if (c == '/' && p + 1 < t->len && t->buf[p + 1] == '*') {
			const char *e = strstr(t->buf + p + 2, "*/");
			p = e ? (size_t)(e - t->buf) + 2 : t->len;
		} else if (c == '/' && p + 1 < t->len && t->buf[p + 1] == '/') {
			while (p < t->len && t->buf[p] != '\n')
				p++;
		} else
			break;
	}
	return p;
}

/* End of the logical line containing p (the offset of its '\n' or EOF). */
static size_t logical_line_end(const struct strbuf *t, size_t p)
{
	while (p < t->len && t->buf[p] != '\n') {
		if (t->buf[p] == '\\' && p + 1 < t->len && t->buf[p + 1] == '\n')
			p++;
		else if (t->buf[p] == '/' && p + 1 < t->len && t->buf[p + 1] == '*') {
			const char *e = strstr(t->buf + p + 2, "*/");
			p = e ? (size_t)(e - t->buf) + 1 : t->len - 1;
		}
		p++;
	}
	return p;
}

static size_t line_start_of(const struct strbuf *t, size_t p)
{
	while (p > 0 && t->buf[p - 1] != '\n')
		p--;
	return p;
}

static size_t extend_semicolon(const struct strbuf *t, size_t end)
{
	size_t p = skip_space(t, end, 0);
	return p < t->len && t->buf[p] == ';' ? p + 1 : end;
}

/* ---- reading the pragma's clause text ---- */

static void text_add(struct pragma_at *pa, size_t *alloc, char c, size_t from)
{
	strbuf_addch(&pa->text, c);
	ALLOC_GROW(pa->map, pa->text.len, *alloc);
	pa->map[pa->text.len - 1] = from;
}

/* The rest of a `#pragma autocomp` line from p, without continuations and
 * comments; strings are kept verbatim. */
static void read_directive_text(const struct strbuf *t, size_t p, size_t end,
				struct pragma_at *pa)
{
	size_t alloc = 0;
	char quote = 0;

	while (p < end) {
		char c = t->buf[p];
		if (c == '\\' && p + 1 < end && t->buf[p + 1] == '\n') {
			p += 2;
			continue;
		}
		if (quote) {
			text_add(pa, &alloc, c, p);
			if (c == '\\' && p + 1 < end) {
				p++;
				text_add(pa, &alloc, t->buf[p], p);
			}
			else if (c == quote)
				quote = 0;
			p++;
			continue;
		}
		if (c == '"' || c == '\'')
			quote = c;
		if (c == '/' && p + 1 < end && (t->buf[p + 1] == '*' || t->buf[p + 1] == '/')) {
			size_t q = skip_space(t, p, 1);
			text_add(pa, &alloc, ' ', p);
			p = q > p ? q : p + 1;
			continue;
		}
		text_add(pa, &alloc, c, p);
		p++;
	}
}

/* Destringize a string literal's spelling ("..." or L"...") into pa->text;
 * each byte maps to the file offset `base` + its position when base != -1. */
static int destringize(const char *lit, size_t base, int have_base,
		       struct pragma_at *pa)
{
	size_t alloc = 0, i;

	if (*lit == 'L' || *lit == 'u' || *lit == 'U')
		lit += (lit[0] == 'u' && lit[1] == '8') ? 2 : 1;
	if (*lit != '"')
		return -1;
	for (i = 1; lit[i] && lit[i] != '"'; i++) {
		size_t at = have_base ? base + i : pa->off;
		if (lit[i] == '\\' && (lit[i + 1] == '"' || lit[i + 1] == '\\'))
			i++;
		text_add(pa, &alloc, lit[i], at);
	}
	return lit[i] == '"' ? 0 : -1;
}

/* If text starts with the word "autocomp", drop it (and its map entries). */
static int strip_autocomp(struct pragma_at *pa)
{
	size_t p = 0;

	while (p < pa->text.len && isspace((unsigned char)pa->text.buf[p]))
		p++;
	if (strncmp(pa->text.buf + p, "autocomp", 8) ||
	    is_ident((unsigned char)pa->text.buf[p + 8]))
		return 0;
	p += 8;
	if (pa->map)
		memmove(pa->map, pa->map + p, (pa->text.len - p) * sizeof(*pa->map));
	strbuf_splice(&pa->text, 0, p, NULL, 0);
	return 1;
}

/* `#pragma autocomp ...` whose `autocomp` token is at `off`. */
static int pragma_from_directive(struct detect *d, size_t off, struct pragma_at *pa)
{
	const struct strbuf *t = &d->text;
	size_t end = logical_line_end(t, off), hash;

	if (strncmp(t->buf + off, "autocomp", 8) || is_ident((unsigned char)t->buf[off + 8]))
		return 0;
	hash = line_start_of(t, off);
	while (hash < off && t->buf[hash] != '#')
		hash++;
	pa->off = hash;
	pa->site.start = hash;
	pa->site.end = end;
	pa->has_site = 1;
	read_directive_text(t, off + 8, end, pa);
	return 1;
}

/* `_Pragma ( "autocomp ..." )` spelled at `off` in the main file. */
static int pragma_from_operator(struct detect *d, size_t off, struct pragma_at *pa)
{
	const struct strbuf *t = &d->text;
	size_t p = skip_space(t, off + 7, 0), lit, q;
	struct strbuf s = STRBUF_INIT;
	int ok = 0;

	if (p >= t->len || t->buf[p] != '(')
		return 0;
	lit = skip_space(t, p + 1, 0);
	for (q = lit; q < t->len && t->buf[q] != '"'; q++)
		;
	for (q++; q < t->len && t->buf[q] != '"'; q++)
		if (t->buf[q] == '\\')
			q++;
	if (q >= t->len)
		return 0;
	strbuf_add(&s, t->buf + lit, q + 1 - lit);
	p = skip_space(t, q + 1, 0);
	pa->off = off;
	if (p < t->len && t->buf[p] == ')' && !destringize(s.buf, lit, 1, pa) &&
	    strip_autocomp(pa)) {
		pa->site.start = off;
		pa->site.end = p + 1;
		pa->has_site = 1;
		ok = 1;
	}
	strbuf_release(&s);
	return ok;
}

long detect_find_macro(const struct detect *d, const char *name, size_t before)
{
	long best = -1;
	size_t i;

	for (i = 0; i < d->nr_macros; i++)
		if (!strcmp(d->macros[i].name, name) &&
		    (!d->macros[i].in_main || d->macros[i].r.start < before))
			best = (long)i;
	return best;
}

/* The text of argument `k` of the macro use at [use, end) in the main
 * file, trimmed; 0 if there is none. */
static int macro_arg(const struct detect *d, size_t use, size_t end,
		     unsigned k, struct range *ret)
{
	const struct strbuf *t = &d->text;
	size_t p = use, from;
	unsigned nr = 0;
	int depth = 0;

	while (p < end && t->buf[p] != '(')
		p++;
	from = ++p;
	for (; p < end; p++) {
		char c = t->buf[p];
		if (c == '"' || c == '\'') {
			for (p++; p < end && t->buf[p] != c; p++)
				if (t->buf[p] == '\\')
					p++;
		} else if (c == '(') {
			depth++;
		} else if ((c == ',' || c == ')') && !depth) {
			if (nr++ == k) {
				ret->start = skip_space(t, from, 0);
				while (p > ret->start && isspace((unsigned char)t->buf[p - 1]))
					p--;
				ret->end = p;
				return ret->end > ret->start;
			}
			if (c == ')')
				return 0;
			from = p + 1;
		} else if (c == ')') {
			depth--;
		}
	}
	return 0;
}

/* Index of the first body token of macro `m`, whose tokens are
 * toks[0..n): after its name and parameter list. */
static unsigned macro_body(struct detect *d, CXCursor m, CXToken *toks, unsigned n)
{
	unsigned i;

	if (!clang_Cursor_isMacroFunctionLike(m))
		return 1;
	for (i = 2; i < n; i++) {
		char *sp = detect_cxstr(clang_getTokenSpelling(d->tu, toks[i]));
		int stop = !strcmp(sp, ")");
		free(sp);
		if (stop)
			break;
	}
	return i + 1;
}

/* Position of parameter `name` among those of function-like macro `m`,
 * or -1. */
static long macro_param(struct detect *d, CXCursor m, CXToken *toks, unsigned n,
			const char *name)
{
	unsigned i, body = macro_body(d, m, toks, n);
	long k = 0;

	for (i = 2; i + 1 < body; i++) {
		char *sp = detect_cxstr(clang_getTokenSpelling(d->tu, toks[i]));
		int hit = !strcmp(sp, name);
		free(sp);
		if (hit)
			return k;
		if (clang_getTokenKind(toks[i]) == CXToken_Punctuation)
			k++;
	}
	return -1;
}

/* `_Pragma(p)` or `_Pragma(#p)` in macro `m` whose parameter p holds the
 * pragma: read it from the use's argument, mapped to the file. */
static int pragma_from_param(struct detect *d, const struct expansion *x,
			     CXToken *toks, unsigned n, unsigned at,
			     struct pragma_at *pa)
{
	int str = 0;
	char *sp = detect_cxstr(clang_getTokenSpelling(d->tu, toks[at]));
	long k;
	struct range arg;
	size_t alloc = 0, i;

	if (!strcmp(sp, "#") && at + 1 < n) {
		free(sp);
		sp = detect_cxstr(clang_getTokenSpelling(d->tu, toks[++at]));
		str = 1;
	}
	k = macro_param(d, x->def, toks, n, sp);
	free(sp);
	if (k < 0 || !macro_arg(d, x->off, x->end, (unsigned)k, &arg))
		return 0;
	if (!str) {
		char *lit = xstrndup(d->text.buf + arg.start, arg.end - arg.start);
		int bad = destringize(lit, arg.start, 1, pa);
		free(lit);
		return !bad;
	}
	for (i = arg.start; i < arg.end; i++)
		text_add(pa, &alloc, d->text.buf[i], i);
	return 1;
}

/* Whether the body of macro `m` is nothing but the _Pragma operator from
 * token `first` to `last`: then erasing its use erases only the pragma. */
static int body_is_pragma(struct detect *d, CXCursor m, CXToken *toks, unsigned n,
			  unsigned first, unsigned last)
{
	return macro_body(d, m, toks, n) == first && last + 1 == n;
}

/* Look for `_Pragma("autocomp ...")` in the tokens of macro `m`, following
 * macros it uses to a bounded depth.  At depth 0, x is the use in the main
 * file: the pragma's text may be one of its arguments. */
static int pragma_from_macro(struct detect *d, CXCursor m,
			     const struct expansion *x, size_t use,
			     struct pragma_at *pa, int depth)
{
	CXToken *toks = NULL;
	unsigned n = 0, i;
	int found = 0;

	if (depth > 8 || clang_Cursor_isNull(m))
		return 0;
	clang_tokenize(d->tu, clang_getCursorExtent(m), &toks, &n);
	for (i = 0; i < n && !found; i++) {
		char *sp = detect_cxstr(clang_getTokenSpelling(d->tu, toks[i]));
		if (!strcmp(sp, "_Pragma") && i + 3 < n) {
			char *lit = detect_cxstr(clang_getTokenSpelling(d->tu, toks[i + 2]));
			size_t lit_off, end_off;
			unsigned last = i + 3;
			int param = 0, ok;
			strbuf_reset(&pa->text);
			free(pa->map);
			pa->map = NULL;
			pa->off = use;
			ok = !destringize(lit, 0, 0, pa);
			if (!ok && x) {
				param = 1;
				last += !strcmp(lit, "#");
				ok = pragma_from_param(d, x, toks, n, i + 2, pa);
			}
			if (ok && strip_autocomp(pa)) {
				found = 1;
				if (x && (param || !detect_main_offset(d, clang_getRangeStart(clang_getTokenExtent(d->tu, toks[i])), &lit_off)) &&
				    body_is_pragma(d, m, toks, n, i, last)) {
					/* the use is the pragma: erase it */
					pa->site.start = x->off;
					pa->site.end = x->end;
					pa->has_site = 1;
				} else if (!param &&
				    detect_main_offset(d, clang_getRangeStart(clang_getTokenExtent(d->tu, toks[i])), &lit_off) &&
				    detect_main_offset(d, clang_getRangeEnd(clang_getTokenExtent(d->tu, toks[last])), &end_off)) {
					pa->site.start = lit_off;
					pa->site.end = end_off;
					pa->has_site = 1;
				}
			}
			free(lit);
		} else if (clang_getTokenKind(toks[i]) == CXToken_Identifier && i > 0) {
			long k = detect_find_macro(d, sp, use);
			if (k >= 0 && !clang_equalCursors(d->macros[k].cur, m))
				found = pragma_from_macro(d, d->macros[k].cur, NULL, use, pa, depth + 1);
		}
		free(sp);
	}
	clang_disposeTokens(d->tu, toks, n);
	return found;
}

static int pragma_from_expansion(struct detect *d, size_t off, struct pragma_at *pa)
{
	size_t i;

	for (i = 0; i < d->nr_exps; i++)
		if (d->exps[i].off == off)
			return pragma_from_macro(d, d->exps[i].def, &d->exps[i], off, pa, 0);
	return 0;
}

/* ---- walking the translation unit ---- */

static void add_named(struct detect *d, const char *name, size_t tl)
{
	if (!*name)
		return;
	ALLOC_GROW(d->names, d->nr_names + 1, d->alloc_names);
	d->names[d->nr_names].name = xstrdup(name);
	d->names[d->nr_names++].tl = tl;
}

static enum CXChildVisitResult enum_visit(CXCursor c, CXCursor parent, CXClientData data)
{
	struct detect *d = data;
	if (clang_getCursorKind(c) == CXCursor_EnumConstantDecl) {
		char *name = detect_cxstr(clang_getCursorSpelling(c));
		add_named(d, name, d->nr_tls - 1);
		free(name);
	}
	return CXChildVisit_Continue;
}

static void add_toplevel(struct detect *d, CXCursor c)
{
	CXSourceRange r = clang_getCursorExtent(c);
	size_t s, e;
	struct toplevel *tl;

	if (!detect_main_offset(d, clang_getRangeStart(r), &s) ||
	    !detect_main_offset(d, clang_getRangeEnd(r), &e) || e < s)
		return;
	ALLOC_GROW(d->tls, d->nr_tls + 1, d->alloc_tls);
	tl = &d->tls[d->nr_tls++];
	tl->cur = c;
	tl->start = s;
	tl->end = clang_getCursorKind(c) == CXCursor_FunctionDecl &&
		  clang_isCursorDefinition(c) ? e : extend_semicolon(&d->text, e);
	tl->name = detect_cxstr(clang_getCursorSpelling(c));
	add_named(d, tl->name, d->nr_tls - 1);
	if (clang_getCursorKind(c) == CXCursor_EnumDecl)
		clang_visitChildren(c, enum_visit, d);
}

static void add_preprocessing(struct detect *d, CXCursor c)
{
	enum CXCursorKind k = clang_getCursorKind(c);
	CXSourceRange r = clang_getCursorExtent(c);
	size_t s, e;
	int in_main = detect_main_offset(d, clang_getRangeStart(r), &s) &&
		      detect_main_offset(d, clang_getRangeEnd(r), &e);

	if (k == CXCursor_MacroDefinition) {
		struct macro *m;
		ALLOC_GROW(d->macros, d->nr_macros + 1, d->alloc_macros);
		m = &d->macros[d->nr_macros++];
		m->name = detect_cxstr(clang_getCursorSpelling(c));
		m->cur = c;
		m->in_main = in_main;
		if (in_main) {
			m->r.start = line_start_of(&d->text, s);
			m->r.end = logical_line_end(&d->text, e);
		}
	} else if (k == CXCursor_MacroExpansion && in_main) {
		ALLOC_GROW(d->exps, d->nr_exps + 1, d->alloc_exps);
		d->exps[d->nr_exps].off = s;
		d->exps[d->nr_exps].end = e;
		d->exps[d->nr_exps++].def = clang_getCursorReferenced(c);
	} else if (k == CXCursor_InclusionDirective && in_main) {
		ALLOC_GROW(d->includes, d->nr_includes + 1, d->alloc_includes);
		d->includes[d->nr_includes].start = line_start_of(&d->text, s);
		d->includes[d->nr_includes++].end = logical_line_end(&d->text, e);
	}
}

static enum CXChildVisitResult top_visit(CXCursor c, CXCursor parent, CXClientData data)
{
	struct detect *d = data;
	enum CXCursorKind k = clang_getCursorKind(c);

	if (clang_isPreprocessing(k))
		add_preprocessing(d, c);
	else if (clang_isDeclaration(k))
		add_toplevel(d, c);
	return CXChildVisit_Continue;
}

/* Index of the top-level declaration containing offset, or -1. */
long detect_toplevel_at(const struct detect *d, size_t off)
{
	size_t i;
	long best = -1;

	for (i = 0; i < d->nr_tls; i++)
		if (d->tls[i].start <= off && off < d->tls[i].end)
			best = (long)i; /* the innermost/last of overlapping ones */
	return best;
}

/* ---- kernels ---- */

static enum kscalar scalar_kind(CXType t)
{
	switch (t.kind) {
	case CXType_Bool:
		return KS_BOOL;
	case CXType_Char_S: case CXType_SChar: case CXType_Short: case CXType_Int:
	case CXType_Long: case CXType_LongLong:
		return KS_INT;
	case CXType_Char_U: case CXType_UChar: case CXType_UShort: case CXType_UInt:
	case CXType_ULong: case CXType_ULongLong:
		return KS_UINT;
	case CXType_Float:
		return KS_FLOAT;
	case CXType_Double:
		return KS_DOUBLE;
	case CXType_LongDouble:
		return KS_LDOUBLE;
	default:
		return KS_OTHER;
	}
}

static void read_type(CXType t, struct kparam *p)
{
	CXType canon = clang_getCanonicalType(t);
	CXType elem = canon;

	p->type = detect_cxstr(clang_getTypeSpelling(t));
	if (canon.kind == CXType_Pointer) {
		elem = clang_getCanonicalType(clang_getPointeeType(canon));
		p->is_pointer = 1;
		p->is_const = clang_isConstQualifiedType(elem);
	}
	p->kind = scalar_kind(elem);
	if (p->kind != KS_OTHER) {
		p->elem_type = detect_cxstr(clang_getTypeSpelling(clang_getUnqualifiedType(elem)));
		p->size = (unsigned)clang_Type_getSizeOf(elem);
	} else {
		p->elem_type = detect_cxstr(clang_getTypeSpelling(elem));
	}
}

static void read_param(CXCursor arg, struct kparam *p)
{
	char *name = detect_cxstr(clang_getCursorSpelling(arg));

	memset(p, 0, sizeof(*p));
	p->name = *name ? name : (free(name), NULL);
	read_type(clang_getCursorType(arg), p);
}

static enum CXChildVisitResult body_visit(CXCursor c, CXCursor parent, CXClientData data)
{
	if (clang_getCursorKind(c) == CXCursor_CompoundStmt) {
		*(CXCursor *)data = c;
		return CXChildVisit_Break;
	}
	return CXChildVisit_Continue;
}

/* Fill kernel k from function-definition cursor fn. */
static void read_function(struct detect *d, CXCursor fn, const struct toplevel *tl,
			  struct kernel *k)
{
	CXCursor body = clang_getNullCursor();
	size_t off = 0, bs = 0, be = 0;
	int i, n = clang_Cursor_getNumArguments(fn);

	k->name = detect_cxstr(clang_getCursorSpelling(fn));
	detect_main_offset(d, clang_getCursorLocation(fn), &off);
	k->line = detect_line_of(d, off);
	k->col = col_of(d, off);
	k->def.start = tl->start;
	k->def.end = tl->end;
	k->is_static = clang_Cursor_getStorageClass(fn) == CX_SC_Static;
	read_type(clang_getCursorResultType(fn), &k->ret);
	clang_visitChildren(fn, body_visit, &body);
	if (!clang_Cursor_isNull(body) &&
	    detect_main_offset(d, clang_getRangeStart(clang_getCursorExtent(body)), &bs) &&
	    detect_main_offset(d, clang_getRangeEnd(clang_getCursorExtent(body)), &be)) {
		k->body.start = bs;
		k->body.end = be;
	}
	k->nr_params = n > 0 ? (size_t)n : 0;
	k->params = xcalloc(k->nr_params ? k->nr_params : 1, sizeof(*k->params));
	for (i = 0; i < n; i++)
		read_param(clang_Cursor_getArgument(fn, (unsigned)i), &k->params[i]);
}

static size_t file_offset_of(const struct pragma_at *pa, size_t text_off)
{
	if (!pa->map || !pa->text.len)
		return pa->off;
	if (text_off >= pa->text.len)
		return pa->map[pa->text.len - 1] + 1;
	return pa->map[text_off];
}

/* Parse and check pragma pa against the function it binds to. */
static int bind_pragma(struct detect *d, struct pragma_at *pa)
{
	struct pragma_error err = { 0, NULL };
	struct kernel *k;
	const struct toplevel *tl = NULL;
	size_t i;

	for (i = 0; i < d->nr_tls; i++)
		if (d->tls[i].end > pa->off) {
			tl = &d->tls[i];
			break;
		}
	if (tl && tl->start < pa->off) {
		diag_at(d, pa->off, "pragma inside a declaration; it must come right before a function definition");
		return -1;
	}
	if (!tl || clang_getCursorKind(tl->cur) != CXCursor_FunctionDecl ||
	    !clang_isCursorDefinition(tl->cur)) {
		diag_at(d, pa->off, "pragma is not followed by a function definition");
		return -1;
	}
	for (i = 0; i < d->nr_kernels; i++)
		if (d->kernels[i].def.start == tl->start) {
			diag_at(d, pa->off, "function '%s' already has an autocomp pragma",
				d->kernels[i].name);
			return -1;
		}
	ALLOC_GROW(d->kernels, d->nr_kernels + 1, d->alloc_kernels);
	k = &d->kernels[d->nr_kernels++];
	memset(k, 0, sizeof(*k));
	pragma_init(&k->pragma);
	read_function(d, tl->cur, tl, k);
	k->pragma_line = detect_line_of(d, pa->off);
	k->pragma_col = col_of(d, pa->off);
	k->pragma_text = xstrdup(pa->text.buf);
	if (pragma_parse(pa->text.buf, pa->text.len, &k->pragma, &err) < 0 ||
	    pragma_check(&k->pragma, k->params, k->nr_params, target_names, &err) < 0) {
		diag_at(d, file_offset_of(pa, err.offset), "%s", err.msg);
		pragma_error_release(&err);
		return -1;
	}
	if (k->ret.is_pointer || (k->ret.kind == KS_OTHER && strcmp(k->ret.elem_type, "void"))) {
		diag_at(d, pa->off, "kernel '%s' returns '%s'; a kernel returns void or a scalar",
			k->name, k->ret.type);
		return -1;
	}
	return 0;
}

static void add_site(struct detect *d, struct range r)
{
	size_t i;

	for (i = 0; i < d->nr_sites; i++)
		if (d->sites[i].start == r.start)
			return;
	ALLOC_GROW(d->sites, d->nr_sites + 1, d->alloc_sites);
	d->sites[d->nr_sites++] = r;
}

/* Read the pragma behind one unknown-pragma diagnostic; 1 if it is ours. */
static int read_pragma(struct detect *d, CXDiagnostic dg, struct pragma_at *pa)
{
	CXSourceLocation loc = clang_getDiagnosticLocation(dg);
	CXFile f;
	unsigned line, col, off;
	size_t exp;

	if (!detect_main_offset(d, loc, &exp))
		return 0;
	clang_getSpellingLocation(loc, &f, &line, &col, &off);
	if (f && clang_File_isEqual(f, d->file))
		return pragma_from_directive(d, off, pa);
	if (!strncmp(d->text.buf + exp, "_Pragma", 7) && !is_ident((unsigned char)d->text.buf[exp + 7]))
		return pragma_from_operator(d, exp, pa);
	return pragma_from_expansion(d, exp, pa);
}

static int cmp_pragma(const void *a, const void *b)
{
	const struct pragma_at *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* Find, read, bind and check every autocomp pragma; 0 or -1 on errors. */
static int find_kernels(struct detect *d)
{
	struct pragma_at *pas = NULL;
	size_t nr = 0, alloc = 0, i;
	unsigned n = clang_getNumDiagnostics(d->tu), j;
	int ret = 0;

	for (j = 0; j < n; j++) {
		CXDiagnostic dg = clang_getDiagnostic(d->tu, j);
		char *opt = detect_cxstr(clang_getDiagnosticOption(dg, NULL));
		if (!strcmp(opt, "-Wunknown-pragmas")) {
			ALLOC_GROW(pas, nr + 1, alloc);
			memset(&pas[nr], 0, sizeof(pas[nr]));
			strbuf_init(&pas[nr].text, 0);
			if (read_pragma(d, dg, &pas[nr]))
				nr++;
			else {
				strbuf_release(&pas[nr].text);
				free(pas[nr].map);
			}
		}
		free(opt);
		clang_disposeDiagnostic(dg);
	}
	if (nr)
		qsort(pas, nr, sizeof(*pas), cmp_pragma);
	for (i = 0; i < nr; i++) {
		if (pas[i].has_site)
			add_site(d, pas[i].site);
		if (bind_pragma(d, &pas[i]) < 0)
			ret = -1;
		strbuf_release(&pas[i].text);
		free(pas[i].map);
	}
	free(pas);
	return ret;
}

/* The first error libclang reported, or NULL when the parse is clean. */
static char *parse_error(CXTranslationUnit tu)
{
	unsigned n = clang_getNumDiagnostics(tu), i;
	char *ret = NULL;

	for (i = 0; i < n && !ret; i++) {
		CXDiagnostic dg = clang_getDiagnostic(tu, i);
		if (clang_getDiagnosticSeverity(dg) >= CXDiagnostic_Error)
			ret = detect_cxstr(clang_formatDiagnostic(dg,
				clang_defaultDiagnosticDisplayOptions()));
		clang_disposeDiagnostic(dg);
	}
	return ret;
}

static struct detect *detect_parse(const char *path, const struct strvec *flags,
				   const char *text, size_t len,
				   enum detect_status *ret_status)
{
	struct detect *d = xcalloc(1, sizeof(*d));
	struct strvec args = STRVEC_INIT;
	struct CXUnsavedFile unsaved;
	enum CXErrorCode code;
	char *err;

	d->path = xstrdup(path);
	strbuf_init(&d->text, 0);
	strbuf_init(&d->diags, 0);
	*ret_status = DETECT_PARSE_FAILED;
	if (text)
		strbuf_add(&d->text, text, len);
	else if (strbuf_read_file(&d->text, path, 256u << 20) < 0) {
		strbuf_addf(&d->diags, "cannot read '%s': %s", path, strerror(errno));
		return d;
	}
	index_lines(d);
	strvec_push(&args, "-xc");
	strvec_pushv(&args, flags->v);
	strvec_push(&args, "-Wunknown-pragmas");
	strvec_push(&args, "-ferror-limit=0");
	unsaved.Filename = path;
	unsaved.Contents = d->text.buf;
	unsaved.Length = (unsigned long)d->text.len;
	d->index = clang_createIndex(0, 0);
	code = clang_parseTranslationUnit2(d->index, path, args.v, (int)args.nr,
		text ? &unsaved : NULL, text ? 1 : 0,
		CXTranslationUnit_DetailedPreprocessingRecord |
		CXTranslationUnit_IgnoreNonErrorsFromIncludedFiles, &d->tu);
	strvec_clear(&args);
	if (code != CXError_Success || !d->tu) {
		strbuf_addf(&d->diags, "libclang cannot parse '%s' (error %d)", path, (int)code);
		return d;
	}
	err = parse_error(d->tu);
	if (err) {
		strbuf_addstr(&d->diags, err);
		free(err);
		return d;
	}
	d->file = clang_getFile(d->tu, path);
	clang_visitChildren(clang_getTranslationUnitCursor(d->tu), top_visit, d);
	*ret_status = find_kernels(d) < 0 ? DETECT_PRAGMA_ERROR : DETECT_OK;
	return d;
}

struct detect *detect_file(const char *path, const struct strvec *flags,
			   enum detect_status *ret_status)
{
	return detect_parse(path, flags, NULL, 0, ret_status);
}

struct detect *detect_buffer(const char *path, const char *text, size_t len,
			     const struct strvec *flags,
			     enum detect_status *ret_status)
{
	return detect_parse(path, flags, text, len, ret_status);
}

static void kparam_release(struct kparam *p)
{
	free(p->name);
	free(p->type);
	free(p->elem_type);
}

static void kernel_release(struct kernel *k)
{
	size_t i;

	for (i = 0; i < k->nr_params; i++)
		kparam_release(&k->params[i]);
	kparam_release(&k->ret);
	free(k->params);
	free(k->name);
	free(k->pragma_text);
	pragma_release(&k->pragma);
}

void detect_free(struct detect *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->nr_kernels; i++)
		kernel_release(&d->kernels[i]);
	for (i = 0; i < d->nr_tls; i++)
		free(d->tls[i].name);
	for (i = 0; i < d->nr_names; i++)
		free(d->names[i].name);
	for (i = 0; i < d->nr_macros; i++)
		free(d->macros[i].name);
	free(d->kernels);
	free(d->sites);
	free(d->tls);
	free(d->names);
	free(d->macros);
	free(d->includes);
	free(d->exps);
	free(d->line_starts);
	if (d->tu)
		clang_disposeTranslationUnit(d->tu);
	if (d->index)
		clang_disposeIndex(d->index);
	strbuf_release(&d->text);
	strbuf_release(&d->diags);
	free(d->path);
	free(d);
}

const char *detect_path(const struct detect *d) { return d->path; }
const struct strbuf *detect_text(const struct detect *d) { return &d->text; }
size_t detect_nr_kernels(const struct detect *d) { return d->nr_kernels; }
const char *detect_diagnostics(const struct detect *d) { return d->diags.buf; }
size_t detect_nr_sites(const struct detect *d) { return d->nr_sites; }
struct range detect_site(const struct detect *d, size_t i) { return d->sites[i]; }

const struct kernel *detect_kernel(const struct detect *d, size_t i)
{
	if (i >= d->nr_kernels)
		BUG("kernel index %zu out of range", i);
	return &d->kernels[i];
}

long detect_find(const struct detect *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->nr_kernels; i++)
		if (!strcmp(d->kernels[i].name, name))
			return (long)i;
	return -1;
}

static void inclusion_visit(CXFile f, CXSourceLocation *stack, unsigned depth,
			    CXClientData data)
{
	struct strvec *ret = data;
	char *name;

	if (!depth)
		return; /* the main file itself */
	name = detect_cxstr(clang_getFileName(f));
	if (strvec_find(ret, name) < 0)
		strvec_push(ret, name);
	free(name);
}

void detect_headers(const struct detect *d, struct strvec *ret)
{
	if (d->tu)
		clang_getInclusions(d->tu, inclusion_visit, ret);
}

/* ---- loops, for the tuner ---- */

struct loop_walk {
	const struct detect *d;
	struct kloop *loops;
	size_t nr, alloc;
	long parent;
	unsigned depth;
};

static int cursor_range(const struct detect *d, CXCursor c, struct range *r)
{
	CXSourceRange ext = clang_getCursorExtent(c);
	return detect_main_offset(d, clang_getRangeStart(ext), &r->start) &&
	       detect_main_offset(d, clang_getRangeEnd(ext), &r->end);
}

struct nth_child {
	unsigned want, seen;
	CXCursor found;
	unsigned count;
};

static enum CXChildVisitResult child_visit(CXCursor c, CXCursor parent, CXClientData data)
{
	struct nth_child *n = data;
	if (n->seen++ == n->want)
		n->found = c;
	n->count++;
	return CXChildVisit_Continue;
}

/* The last child of a statement (a loop's body), and how many it has. */
static CXCursor last_child(CXCursor c, unsigned *ret_count)
{
	struct nth_child n = { 0, 0, clang_getNullCursor(), 0 };

	clang_visitChildren(c, child_visit, &n);
	n.want = n.count - 1;
	n.seen = 0;
	n.count = 0;
	if (n.want != (unsigned)-1)
		clang_visitChildren(c, child_visit, &n);
	*ret_count = n.count;
	return n.found;
}

/* `for (int i = ...` or `for (i = ...`: the induction variable's name. */
static char *for_var(CXCursor c)
{
	struct nth_child n = { 0, 0, clang_getNullCursor(), 0 };
	CXCursor init;
	char *name = NULL;

	clang_visitChildren(c, child_visit, &n);
	init = n.found;
	if (clang_Cursor_isNull(init))
		return NULL;
	if (clang_getCursorKind(init) == CXCursor_DeclStmt) {
		struct nth_child v = { 0, 0, clang_getNullCursor(), 0 };
		clang_visitChildren(init, child_visit, &v);
		if (v.count == 1 && clang_getCursorKind(v.found) == CXCursor_VarDecl)
			name = detect_cxstr(clang_getCursorSpelling(v.found));
	} else if (clang_getCursorKind(init) == CXCursor_BinaryOperator) {
		struct nth_child v = { 0, 0, clang_getNullCursor(), 0 };
		clang_visitChildren(init, child_visit, &v);
		if (clang_getCursorKind(v.found) == CXCursor_DeclRefExpr)
			name = detect_cxstr(clang_getCursorSpelling(v.found));
	}
	return name;
}

static enum CXChildVisitResult loop_visit(CXCursor c, CXCursor parent, CXClientData data)
{
	struct loop_walk *w = data;
	enum CXCursorKind kind = clang_getCursorKind(c);
	struct kloop *l;
	long saved_parent = w->parent, me;
	unsigned count;
	CXCursor body;

	if (kind != CXCursor_ForStmt && kind != CXCursor_WhileStmt && kind != CXCursor_DoStmt)
		return CXChildVisit_Recurse;
	ALLOC_GROW(w->loops, w->nr + 1, w->alloc);
	me = (long)w->nr;
	l = &w->loops[w->nr++];
	memset(l, 0, sizeof(*l));
	l->kind = kind == CXCursor_ForStmt ? KLOOP_FOR : kind == CXCursor_WhileStmt ? KLOOP_WHILE : KLOOP_DO;
	l->depth = w->depth;
	l->parent = w->parent;
	cursor_range(w->d, c, &l->stmt);
	body = kind == CXCursor_DoStmt ? clang_getNullCursor() : last_child(c, &count);
	if (kind == CXCursor_DoStmt) {
		struct nth_child n = { 0, 0, clang_getNullCursor(), 0 };
		clang_visitChildren(c, child_visit, &n);
		body = n.found;
	}
	if (!clang_Cursor_isNull(body))
		cursor_range(w->d, body, &l->body);
	if (kind == CXCursor_ForStmt) {
		l->var = for_var(c);
		if (!clang_Cursor_isNull(body)) {
			CXCursor inner = body;
			if (clang_getCursorKind(body) == CXCursor_CompoundStmt) {
				inner = last_child(body, &count);
				if (count != 1)
					inner = clang_getNullCursor();
			}
			l->perfect = !clang_Cursor_isNull(inner) &&
				     clang_getCursorKind(inner) == CXCursor_ForStmt;
		}
	}
	w->parent = me;
	w->depth++;
	clang_visitChildren(c, loop_visit, w);
	w->depth--;
	w->parent = saved_parent;
	return CXChildVisit_Continue;
}

static const struct toplevel *function_named(const struct detect *d, const char *fn)
{
	size_t i;

	for (i = 0; i < d->nr_tls; i++)
		if (clang_getCursorKind(d->tls[i].cur) == CXCursor_FunctionDecl &&
		    clang_isCursorDefinition(d->tls[i].cur) && !strcmp(d->tls[i].name, fn))
			return &d->tls[i];
	return NULL;
}

int detect_function(const struct detect *d, const char *fn, struct range *ret)
{
	const struct toplevel *tl = function_named(d, fn);

	if (!tl)
		return -1;
	ret->start = tl->start;
	ret->end = tl->end;
	return 0;
}

int detect_loops(const struct detect *d, const char *fn, struct kloop **ret,
		 size_t *ret_nr)
{
	struct loop_walk w = { d, NULL, 0, 0, -1, 0 };
	const struct toplevel *tl = function_named(d, fn);

	if (!tl)
		return error("no definition of '%s' in '%s'", fn, d->path);
	clang_visitChildren(tl->cur, loop_visit, &w);
	*ret = w.loops;
	*ret_nr = w.nr;
	return 0;
}

void detect_loops_free(struct kloop *loops, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		free(loops[i].var);
	free(loops);
}
