/*
 * Answers to variants (answer.h).  A small C scanner splits text into
 * top-level items (directives, declarations, function definitions); the
 * variant is the chosen text less the items that restate the unit.
 */
#include "answer.h"
#include "normalize.h"
#include "strvec.h"
#include "xalloc.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

enum item_kind { IT_DIRECTIVE, IT_DECL, IT_FUNC, IT_JUNK };
enum pp_kind { PP_NONE, PP_INCLUDE, PP_DEFINE, PP_OPEN, PP_MID, PP_CLOSE, PP_OTHER };

struct item {
	size_t start, end;
	enum item_kind kind;
	enum pp_kind pp;
	char *name;             /* declared or defined name, or NULL */
	int is_static, is_typedef, is_proto, test_only;
	char *tokens;           /* normalized text */
	int drop;
};

struct items {
	struct item *v;
	size_t nr, alloc;
};

static int is_ident(int c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Skip a comment, string or character literal at p; returns the end, or p. */
static size_t skip_literal(const char *s, size_t len, size_t p)
{
	if (p + 1 < len && s[p] == '/' && s[p + 1] == '*') {
		const char *e = len - p > 2 ? strstr(s + p + 2, "*/") : NULL;
		return e && (size_t)(e - s) + 2 <= len ? (size_t)(e - s) + 2 : len;
	}
	if (p + 1 < len && s[p] == '/' && s[p + 1] == '/') {
		while (p < len && s[p] != '\n')
			p++;
		return p;
	}
	if (s[p] == '"' || s[p] == '\'') {
		char q = s[p++];
		while (p < len && s[p] != q && s[p] != '\n')
			p += s[p] == '\\' && p + 1 < len ? 2 : 1;
		return p < len ? p + 1 : len;
	}
	return p;
}

static size_t skip_blank(const char *s, size_t len, size_t p)
{
	for (;;) {
		size_t q;
		while (p < len && isspace((unsigned char)s[p]))
			p++;
		if (p + 1 < len && s[p] == '/' && (s[p + 1] == '*' || s[p + 1] == '/')) {
			q = skip_literal(s, len, p);
			if (q == p)
				return p;
			p = q;
			continue;
		}
		return p;
	}
}

/* The next token at p: [*start, *end).  Returns 0 at the end of text. */
static int next_token(const char *s, size_t len, size_t *p, size_t *start, size_t *end)
{
	size_t q = skip_blank(s, len, *p);

	if (q >= len)
		return 0;
	*start = q;
	if (is_ident(s[q])) {
		while (q < len && is_ident(s[q]))
			q++;
	} else if (s[q] == '"' || s[q] == '\'') {
		q = skip_literal(s, len, q);
	} else {
		q++;
	}
	*end = *p = q;
	return 1;
}

static int tok_is(const char *s, size_t a, size_t b, const char *w)
{
	return b - a == strlen(w) && !strncmp(s + a, w, b - a);
}

static const char *const not_names[] = {
	"static", "const", "volatile", "inline", "extern", "unsigned", "signed", "int",
	"char", "float", "double", "long", "short", "void", "struct", "union", "enum",
	"typedef", "restrict", "__restrict", "__restrict__", "__inline", "__inline__",
	"_Bool", "register", "auto", "_Thread_local", "__thread", "_Noreturn", NULL
};

static int is_keyword(const char *s, size_t a, size_t b)
{
	const char *const *k;

	for (k = not_names; *k; k++)
		if (tok_is(s, a, b, *k))
			return 1;
	return 0;
}

static int is_attribute(const char *s, size_t a, size_t b)
{
	return tok_is(s, a, b, "__attribute__") || tok_is(s, a, b, "__declspec") ||
	       tok_is(s, a, b, "_Alignas") || tok_is(s, a, b, "alignas") ||
	       tok_is(s, a, b, "__typeof__") || tok_is(s, a, b, "typeof") ||
	       tok_is(s, a, b, "_Static_assert") || tok_is(s, a, b, "__asm__") ||
	       tok_is(s, a, b, "asm") || tok_is(s, a, b, "sizeof");
}

/* Skip a bracketed group opened at p-1 by `open`; *closed says whether
 * it closes before the end of the text. */
static size_t skip_group_closed(const char *s, size_t len, size_t p, char open, char close,
				int *closed)
{
	int depth = 1;
	size_t a, b;

	while (depth && next_token(s, len, &p, &a, &b)) {
		if (s[a] == open)
			depth++;
		else if (s[a] == close)
			depth--;
	}
	*closed = !depth;
	return p;
}

static size_t skip_group(const char *s, size_t len, size_t p, char open, char close)
{
	int closed;

	return skip_group_closed(s, len, p, open, close, &closed);
}

/* The name a declaration or definition declares. */
static void item_name(const char *s, struct item *it)
{
	size_t p = it->start, a, b, la = 0, lb = 0;
	int first = 1;

	while (next_token(s, it->end, &p, &a, &b)) {
		if (first && tok_is(s, a, b, "typedef"))
			it->is_typedef = 1;
		if (tok_is(s, a, b, "static"))
			it->is_static = 1;
		first = 0;
		if (is_ident(s[a])) {
			if (!is_keyword(s, a, b)) {
				la = a;
				lb = b;
			}
			if (is_attribute(s, a, b)) {
				size_t q = p, c, d;
				if (next_token(s, it->end, &q, &c, &d) && s[c] == '(')
					p = skip_group(s, it->end, q, '(', ')');
				lb = la = 0;
			}
			continue;
		}
		if (s[a] == '(') {
			size_t q = p, c, d;
			if (lb > la) {
				it->name = xstrndup(s + la, lb - la);
				it->is_proto = it->kind == IT_DECL && !it->is_typedef;
				return;
			}
			/* (*name)(...): a pointer to a function */
			if (next_token(s, it->end, &q, &c, &d) && s[c] == '*' &&
			    next_token(s, it->end, &q, &c, &d) && is_ident(s[c])) {
				it->name = xstrndup(s + c, d - c);
				return;
			}
			p = skip_group(s, it->end, p, '(', ')');
		} else if (s[a] == '{') {
			p = skip_group(s, it->end, p, '{', '}');
		} else if (s[a] == '[' || s[a] == '=' || s[a] == ';' || s[a] == ',' || s[a] == ':') {
			break;
		}
	}
	if (lb > la)
		it->name = xstrndup(s + la, lb - la);
}

static int test_word(const char *s, size_t a, size_t b)
{
	static const char *const words[] = { "TEST", "BENCH", "MAIN", "DEBUG", "STANDALONE",
					     "DEMO", "EXAMPLE", "SELFTEST", "HARNESS", NULL };
	const char *const *w;
	char *up = xstrndup(s + a, b - a), *c;
	int ret = 0;

	for (c = up; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	for (w = words; *w && !ret; w++)
		ret = strstr(up, *w) != NULL;
	free(up);
	return ret;
}

static void directive(const char *s, struct item *it)
{
	size_t p = it->start + 1, a, b, end = it->end;

	it->kind = IT_DIRECTIVE;
	it->pp = PP_OTHER;
	if (!next_token(s, end, &p, &a, &b))
		return;
	if (tok_is(s, a, b, "include")) {
		it->pp = PP_INCLUDE;
	} else if (tok_is(s, a, b, "define")) {
		it->pp = PP_DEFINE;
		if (next_token(s, end, &p, &a, &b) && is_ident(s[a]))
			it->name = xstrndup(s + a, b - a);
	} else if (tok_is(s, a, b, "if") || tok_is(s, a, b, "ifdef") || tok_is(s, a, b, "ifndef")) {
		int neg = tok_is(s, a, b, "ifndef");
		it->pp = PP_OPEN;
		while (next_token(s, end, &p, &a, &b))
			if (is_ident(s[a]) && test_word(s, a, b) && !neg)
				it->test_only = 1;
	} else if (tok_is(s, a, b, "elif") || tok_is(s, a, b, "else")) {
		it->pp = PP_MID;
	} else if (tok_is(s, a, b, "endif")) {
		it->pp = PP_CLOSE;
	}
}

static void split_items(const char *s, size_t len, struct items *out)
{
	size_t p = 0;

	for (;;) {
		struct item it;
		size_t a, b;
		int pd = 0, bd = 0, eq = 0;
		char last = 0;

		p = skip_blank(s, len, p);
		if (p >= len)
			break;
		memset(&it, 0, sizeof(it));
		it.start = p;
		it.kind = IT_JUNK;
		if (s[p] == '#') {
			while (p < len && (s[p] != '\n' || s[p - 1] == '\\')) {
				size_t q = skip_literal(s, len, p);
				p = q > p ? q : p + 1;
			}
			it.end = p;
			directive(s, &it);
		} else {
			while (next_token(s, len, &p, &a, &b)) {
				char c = s[a];
				if (c == '(' || c == '[') {
					pd++;
				} else if (c == ')' || c == ']') {
					pd -= pd > 0;
				} else if (c == '=' && !pd && !bd) {
					eq = 1;
				} else if (c == '{' && !pd) {
					if (!bd && last == ')' && !eq) {
						int closed;
						p = skip_group_closed(s, len, p, '{', '}', &closed);
						it.kind = closed ? IT_FUNC : IT_JUNK;
						break;
					}
					bd++;
				} else if (c == '}' && !pd) {
					bd -= bd > 0;
				} else if (c == ';' && !pd && !bd) {
					it.kind = IT_DECL;
					break;
				} else if (c == '#' && !pd && !bd && a > 0 && s[a - 1] == '\n') {
					p = a; /* a directive ends what came before */
					break;
				}
				last = c;
			}
			it.end = p;
			if (it.kind != IT_JUNK)
				item_name(s, &it);
		}
		if (it.end <= it.start)
			it.end = it.start + 1; /* progress, whatever the text */
		p = it.end;
		{
			struct strbuf n = STRBUF_INIT;
			normalize_c(s + it.start, it.end - it.start, &n);
			it.tokens = strbuf_detach(&n, NULL);
		}
		ALLOC_GROW(out->v, out->nr + 1, out->alloc);
		out->v[out->nr++] = it;
	}
}

static void items_release(struct items *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++) {
		free(l->v[i].name);
		free(l->v[i].tokens);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int defines_kernel(const struct items *l, const char *kernel)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		if (l->v[i].kind == IT_FUNC && l->v[i].name && !strcmp(l->v[i].name, kernel))
			return 1;
	return 0;
}

/* ---- choosing the text ---- */

struct block {
	const char *start;
	size_t len;
	char tag[16];
};

static int c_tag(const char *tag)
{
	static const char *const ok[] = { "", "c", "cpp", "c++", "cc", "cxx", "h", "hpp",
					  "c11", "c99", "objc", NULL };
	const char *const *t;

	for (t = ok; *t; t++)
		if (!strcasecmp(tag, *t))
			return 1;
	return 0;
}

/* Every fenced block of the answer, in order. */
static size_t fenced_blocks(const char *answer, struct block **ret)
{
	const char *p = answer;
	struct block *v = NULL;
	size_t nr = 0, alloc = 0;

	while ((p = strstr(p, "```"))) {
		const char *tag = p + 3, *eol = strchr(tag, '\n'), *body, *end;
		struct block b;
		size_t tl;

		const char *bol = p;
		while (bol > answer && (bol[-1] == ' ' || bol[-1] == '\t'))
			bol--;
		if (bol != answer && bol[-1] != '\n') {
			p += 3; /* a fence starts its line */
			continue;
		}
		if (!eol)
			break;
		body = eol + 1;
		end = !strncmp(body, "```", 3) ? body : strstr(body, "\n```");
		if (!end)
			end = body + strlen(body); /* unclosed: the rest (a cut answer) */
		tl = (size_t)(eol - tag);
		while (tl && isspace((unsigned char)tag[tl - 1]))
			tl--;
		memset(&b, 0, sizeof(b));
		memcpy(b.tag, tag, tl < sizeof(b.tag) - 1 ? tl : sizeof(b.tag) - 1);
		b.start = body;
		b.len = (size_t)(end - body);
		ALLOC_GROW(v, nr + 1, alloc);
		v[nr++] = b;
		if (!*end)
			break;
		p = end + (*end == '\n') + 3; /* past the closing fence */
		p += strcspn(p, "\n");
	}
	*ret = v;
	return nr;
}

/* An answer without fences: from the first line that looks like C. */
static const char *code_start(const char *answer)
{
	static const char *const starts[] = { "#", "/*", "//", "static", "void", "int", "float",
		"double", "typedef", "struct", "inline", "__attribute__", "extern", "const",
		"unsigned", "long", "char", "enum", "union", "size_t", "uint", "_Bool", NULL };
	const char *line = answer;

	while (*line) {
		const char *const *s;
		for (s = starts; *s; s++)
			if (!strncmp(line, *s, strlen(*s)))
				return line;
		line = strchr(line, '\n');
		if (!line)
			break;
		line++;
	}
	return NULL;
}

static int looks_like_code(const char *text)
{
	const char *p = text + strspn(text, " \t\r\n");
	size_t n = strcspn(p, "\n");

	if (*p == '#' || !strncmp(p, "/*", 2) || !strncmp(p, "//", 2))
		return 1;
	while (n && isspace((unsigned char)p[n - 1]))
		n--;
	return n && strchr(";{})\\,", p[n - 1]) != NULL;
}

/* ---- edits ---- */

struct edit {
	char *old_str, *new_str;
};

static size_t count_occurrences(const char *hay, const char *needle, const char **first)
{
	size_t n = 0;
	const char *p = hay;

	*first = NULL;
	while ((p = strstr(p, needle))) {
		if (!n++)
			*first = p;
		p++;
	}
	return n;
}

static int apply_edits(const char *current, struct edit *e, size_t nr, struct strbuf *out,
		       struct strbuf *reason)
{
	struct strbuf cur = STRBUF_INIT;
	size_t i;

	strbuf_addstr(&cur, current);
	for (i = 0; i < nr; i++) {
		const char *at;
		size_t n;
		if (!*e[i].old_str) {
			strbuf_addf(reason, "edit %zu of %zu has an empty old_str", i + 1, nr);
			strbuf_release(&cur);
			return -1;
		}
		n = count_occurrences(cur.buf, e[i].old_str, &at);
		if (n != 1) {
			strbuf_addf(reason, "edit %zu of %zu: its old_str %s the current version "
				    "(%.40s...)", i + 1, nr, n ? "occurs more than once in" : "is not in",
				    e[i].old_str);
			strbuf_release(&cur);
			return -1;
		}
		strbuf_splice(&cur, (size_t)(at - cur.buf), strlen(e[i].old_str), e[i].new_str,
			      strlen(e[i].new_str));
	}
	strbuf_add(out, cur.buf, cur.len);
	strbuf_release(&cur);
	return 0;
}

/* SEARCH/REPLACE blocks (aider's and Autocomp's form).  Returns their count. */
static size_t search_replace_edits(const char *answer, struct edit **ret)
{
	static const char open[] = "<<<<<<< SEARCH\n", mid[] = "\n=======\n",
			  close[] = "\n>>>>>>> REPLACE";
	const char *p = answer;
	struct edit *v = NULL;
	size_t nr = 0, alloc = 0;

	while ((p = strstr(p, open))) {
		const char *o = p + strlen(open), *m, *c;
		if (!strncmp(o, "=======\n", 8))
			m = o - 1; /* an empty search text */
		else if (!(m = strstr(o, mid)))
			break;
		c = strstr(m + 1, close);
		if (!strncmp(m + strlen(mid), ">>>>>>> REPLACE", 15))
			c = m + strlen(mid) - 1; /* an empty replacement */
		if (!c)
			break;
		ALLOC_GROW(v, nr + 1, alloc);
		v[nr].old_str = xstrndup(o, m > o ? (size_t)(m - o) : 0);
		v[nr].new_str = c > m + strlen(mid) ? xstrndup(m + strlen(mid), (size_t)(c - m - strlen(mid)))
						    : xstrdup("");
		nr++;
		p = c + 1;
	}
	*ret = v;
	return nr;
}

/* A JSON list of {"old_str", "new_str"}: the whole answer, or a block. */
static size_t json_edits(const char *text, size_t len, struct edit **ret)
{
	cJSON *j = cJSON_ParseWithLength(text, len), *e;
	struct edit *v = NULL;
	size_t nr = 0, alloc = 0;

	*ret = NULL;
	if (!cJSON_IsArray(j) || !cJSON_GetArraySize(j)) {
		cJSON_Delete(j);
		return 0;
	}
	cJSON_ArrayForEach(e, j) {
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(e, "old_str");
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "new_str");
		if (!cJSON_IsString(o) || !cJSON_IsString(n)) {
			size_t i;
			for (i = 0; i < nr; i++) {
				free(v[i].old_str);
				free(v[i].new_str);
			}
			free(v);
			cJSON_Delete(j);
			return 0;
		}
		ALLOC_GROW(v, nr + 1, alloc);
		v[nr].old_str = xstrdup(o->valuestring);
		v[nr].new_str = xstrdup(n->valuestring);
		nr++;
	}
	cJSON_Delete(j);
	*ret = v;
	return nr;
}

static void edits_free(struct edit *e, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		free(e[i].old_str);
		free(e[i].new_str);
	}
	free(e);
}

/*
 * The code the answer gives: edits applied, or the block chosen.  Returns
 * 0, or -1 with a reason.
 */
static int choose_code(const struct answer_ctx *ctx, const char *answer, struct strbuf *code,
		       struct strbuf *notes, struct strbuf *reason)
{
	struct block *b = NULL;
	struct edit *e = NULL;
	size_t nr, ne = 0, i;
	const char *current = ctx->current;
	char *cur_copy = NULL;
	int ret = -1;

	if (!current)
		current = cur_copy = xstrndup(ctx->unit + ctx->def_start, ctx->def_end - ctx->def_start);
	nr = fenced_blocks(answer, &b);
	if ((ne = search_replace_edits(answer, &e)) > 0) {
		strbuf_addf(notes, "applied %zu SEARCH/REPLACE edit%s to the current version\n", ne,
			    ne == 1 ? "" : "s");
	} else {
		for (i = 0; i < nr && !ne; i++)
			if (!strcasecmp(b[i].tag, "json") || !*b[i].tag)
				ne = json_edits(b[i].start, b[i].len, &e);
		if (!ne) {
			const char *t = answer + strspn(answer, " \t\r\n");
			if (*t == '[')
				ne = json_edits(t, strlen(t), &e);
		}
		if (ne)
			strbuf_addf(notes, "applied %zu JSON edit%s to the current version\n", ne,
				    ne == 1 ? "" : "s");
	}
	if (ne) {
		ret = apply_edits(current, e, ne, code, reason);
		goto out;
	}
	for (i = nr; i-- > 0;) {
		struct items l = { 0 };
		int ok;
		if (!c_tag(b[i].tag))
			continue;
		split_items(b[i].start, b[i].len, &l);
		ok = defines_kernel(&l, ctx->kernel);
		items_release(&l);
		if (ok) {
			strbuf_add(code, b[i].start, b[i].len);
			if (nr > 1 || strcmp(b[i].tag, "c"))
				strbuf_addf(notes, "chose block %zu of %zu (fence tag '%s'): the last "
					    "that defines %s\n", i + 1, nr, b[i].tag, ctx->kernel);
			ret = 0;
			goto out;
		}
	}
	if (!nr) {
		const char *start = code_start(answer);
		struct items l = { 0 };
		int ok = 0;

		/* a bare variant (a file, a stored entry, the tuner's): its first
		 * line is code, not prose ending in ':' or '.' */
		if (looks_like_code(answer)) {
			split_items(answer, strlen(answer), &l);
			for (i = 0, ok = defines_kernel(&l, ctx->kernel); i < l.nr && ok; i++)
				ok = l.v[i].kind != IT_JUNK;
			items_release(&l);
		}
		if (ok) {
			strbuf_addstr(code, answer);
			ret = 0;
			goto out;
		}
		if (start) {
			split_items(start, strlen(start), &l);
			ok = defines_kernel(&l, ctx->kernel);
			if (ok) {
				/* up to the end of the last item that is code */
				size_t end = 0, k;
				for (k = 0; k < l.nr; k++)
					if (l.v[k].kind != IT_JUNK)
						end = l.v[k].end;
				strbuf_add(code, start, end);
				strbuf_addstr(notes, "took the code of an answer without fences\n");
			}
			items_release(&l);
		}
		if (ok) {
			ret = 0;
			goto out;
		}
		strbuf_addstr(reason, "the answer holds no code block");
		goto out;
	}
	strbuf_addf(reason, "no code block of the answer defines %s", ctx->kernel);
out:
	edits_free(e, ne);
	free(b);
	free(cur_copy);
	return ret;
}

/* ---- dropping what restates the unit ---- */

static const struct item *unit_item(const struct items *u, const char *name)
{
	size_t i;

	for (i = 0; i < u->nr; i++)
		if (u->v[i].name && !strcmp(u->v[i].name, name) && !u->v[i].is_proto &&
		    u->v[i].kind != IT_JUNK)
			return &u->v[i];
	return NULL;
}

static int has_tokens(const struct items *u, const char *tokens)
{
	size_t i;

	for (i = 0; i < u->nr; i++)
		if (!strcmp(u->v[i].tokens, tokens))
			return 1;
	return 0;
}

static int uses_word(const char *text, size_t len, const char *w)
{
	size_t wl = strlen(w), i;

	for (i = 0; i + wl <= len; i++)
		if (!strncmp(text + i, w, wl) && (i == 0 || !is_ident(text[i - 1])) &&
		    (i + wl == len || !is_ident(text[i + wl])))
			return 1;
	return 0;
}

static void rename_word(struct strbuf *sb, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), i = 0;

	while (i + fl <= sb->len) {
		size_t q = skip_literal(sb->buf, sb->len, i);
		if (q > i) {
			i = q;
			continue;
		}
		if (!strncmp(sb->buf + i, from, fl) && (i == 0 || !is_ident(sb->buf[i - 1])) &&
		    (i + fl == sb->len || !is_ident(sb->buf[i + fl]))) {
			strbuf_splice(sb, i, fl, to, tl);
			i += tl;
		} else {
			i++;
		}
	}
}

static const char *what_of(const struct item *it)
{
	if (it->pp == PP_DEFINE)
		return "macro";
	if (it->is_typedef)
		return "typedef";
	if (it->kind == IT_FUNC)
		return "function";
	return "declaration";
}

static void first_line(const char *s, size_t len, struct strbuf *out)
{
	size_t n = 0;

	while (n < len && s[n] != '\n' && n < 60)
		n++;
	strbuf_add(out, s, n);
}

int answer_variant(const struct answer_ctx *ctx, const char *answer, struct strbuf *out,
		   struct strbuf *notes, struct strbuf *reason)
{
	struct strbuf code = STRBUF_INIT, rest = STRBUF_INIT, res = STRBUF_INIT;
	struct strvec from = STRVEC_INIT, to = STRVEC_INIT;
	struct items v = { 0 }, u = { 0 };
	size_t i, last_kernel = (size_t)-1;
	int ret = -1;

	if (choose_code(ctx, answer, &code, notes, reason) < 0)
		goto out;
	if (!strncmp(code.buf + strspn(code.buf, " \t"), "```", 3) || strstr(code.buf, "\n```")) {
		strbuf_addstr(reason, "the code holds a Markdown fence line");
		goto out;
	}
	strbuf_add(&rest, ctx->unit, ctx->def_start);
	strbuf_addch(&rest, '\n');
	strbuf_add(&rest, ctx->unit + ctx->def_end, ctx->unit_len - ctx->def_end);
	split_items(rest.buf, rest.len, &u);
	split_items(code.buf, code.len, &v);
	for (i = 0; i < v.nr; i++)
		if (v.v[i].kind == IT_FUNC && v.v[i].name && !strcmp(v.v[i].name, ctx->kernel))
			last_kernel = i;
	if (last_kernel == (size_t)-1) {
		strbuf_addf(reason, "the code does not define %s", ctx->kernel);
		goto out;
	}
	for (i = 0; i < v.nr; i++) {
		struct item *it = &v.v[i];
		const struct item *ui;
		struct strbuf what = STRBUF_INIT;

		first_line(code.buf + it->start, it->end - it->start, &what);
		if (it->kind == IT_JUNK) {
			strbuf_addf(reason, "the code has an incomplete item: '%s'", what.buf);
			strbuf_release(&what);
			goto out;
		}
		if (it->pp == PP_OPEN && it->test_only) {
			int depth = 0;
			size_t j;
			for (j = i; j < v.nr; j++) {
				depth += v.v[j].pp == PP_OPEN;
				depth -= v.v[j].pp == PP_CLOSE;
				v.v[j].drop = 1;
				if (!depth)
					break;
			}
			strbuf_addf(notes, "dropped the test-only group '%s' (%zu items)\n", what.buf,
				    j - i + 1 - (j == v.nr));
			if (j < v.nr && last_kernel > i && last_kernel <= j) {
				strbuf_addf(reason, "the only definition of %s is under '%s'",
					    ctx->kernel, what.buf);
				strbuf_release(&what);
				goto out;
			}
			i = j;
		} else if (it->kind == IT_FUNC && it->name && !strcmp(it->name, "main")) {
			it->drop = 1;
			strbuf_addstr(notes, "dropped main()\n");
		} else if (it->kind == IT_FUNC && it->name && !strcmp(it->name, ctx->kernel)) {
			if (i != last_kernel) {
				it->drop = 1;
				strbuf_addf(notes, "dropped an earlier definition of %s (kept the last)\n",
					    ctx->kernel);
			}
		} else if (it->pp != PP_OPEN && it->pp != PP_MID && it->pp != PP_CLOSE &&
			   it->kind != IT_JUNK && has_tokens(&u, it->tokens)) {
			it->drop = 1;
			strbuf_addf(notes, "dropped '%s': the unit has it\n", what.buf);
		} else if (it->name && !it->is_proto && (ui = unit_item(&u, it->name)) &&
			   strvec_find(&from, it->name) < 0) {
			if (it->is_static && !it->is_typedef && ui->is_static &&
			    it->pp != PP_DEFINE) {
				struct strbuf fresh = STRBUF_INIT;
				int n = 1;
				do {
					strbuf_reset(&fresh);
					strbuf_addf(&fresh, "%s_v%d", it->name, n++);
				} while (uses_word(ctx->unit, ctx->unit_len, fresh.buf) ||
					 uses_word(code.buf, code.len, fresh.buf));
				strvec_push(&from, it->name);
				strvec_push(&to, fresh.buf);
				strbuf_addf(notes, "renamed %s to %s: it differs from the unit's %s\n",
					    it->name, fresh.buf, what_of(ui));
				strbuf_release(&fresh);
			} else {
				strbuf_addf(reason, "the answer redefines the unit's %s %s with "
					    "different tokens", what_of(ui), it->name);
				strbuf_release(&what);
				goto out;
			}
		}
		strbuf_release(&what);
	}
	/* a prototype of a unit name that was not renamed restates the unit */
	for (i = 0; i < v.nr; i++) {
		struct item *it = &v.v[i];
		if (!it->drop && it->is_proto && it->name && strcmp(it->name, ctx->kernel) &&
		    strvec_find(&from, it->name) < 0 && unit_item(&u, it->name)) {
			it->drop = 1;
			strbuf_addf(notes, "dropped a declaration of %s: the unit declares it\n",
				    it->name);
		}
	}
	for (i = 0; i < v.nr; i++) {
		size_t end = i + 1 < v.nr ? v.v[i + 1].start : code.len;
		if (v.v[i].drop)
			continue;
		/* an item with the comments and blanks that follow it */
		strbuf_add(&res, code.buf + v.v[i].start, end - v.v[i].start);
	}
	for (i = 0; i < from.nr; i++)
		rename_word(&res, from.v[i], to.v[i]);
	strbuf_trim(&res);
	strbuf_add(out, res.buf, res.len);
	strbuf_addch(out, '\n');
	ret = 0;
out:
	items_release(&v);
	items_release(&u);
	strvec_clear(&from);
	strvec_clear(&to);
	strbuf_release(&code);
	strbuf_release(&rest);
	strbuf_release(&res);
	return ret;
}

static size_t count_lines(const char *s, size_t len)
{
	size_t n = 1, i;

	for (i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

/* The rank an item of the unit gets in the context, or -1 when not shown. */
static int context_rank(const struct item *it, const char *unit, const char *code)
{
	if (it->pp == PP_INCLUDE)
		return 0;
	if (it->kind == IT_JUNK || it->pp == PP_OPEN || it->pp == PP_MID || it->pp == PP_CLOSE ||
	    it->pp == PP_OTHER)
		return -1;
	if (it->name && !uses_word(code, strlen(code), it->name)) {
		/* an enum's constants: any of them used */
		if (strncmp(it->tokens, "enum", 4))
			return -1;
	}
	if (!it->name) {
		size_t p = it->start, a, b;
		int used = 0;
		while (!used && next_token(unit, it->end, &p, &a, &b))
			if (is_ident(unit[a]) && b - a > 1) {
				char *w = xstrndup(unit + a, b - a);
				used = !is_keyword(unit, a, b) && uses_word(code, strlen(code), w);
				free(w);
			}
		if (!used)
			return -1;
	}
	if (it->kind == IT_FUNC)
		return 1;
	if (it->is_typedef || it->pp == PP_DEFINE)
		return 2;
	return 3;
}

void answer_context(const struct answer_ctx *ctx, const char *code, size_t max_lines,
		    struct strbuf *out)
{
	struct strbuf rest = STRBUF_INIT;
	struct strvec cut = STRVEC_INIT;
	struct items u = { 0 };
	size_t used = 0, i, cut_lines = 0;
	int rank;

	strbuf_add(&rest, ctx->unit, ctx->def_start);
	split_items(rest.buf, rest.len, &u);
	for (rank = 0; rank <= 3; rank++)
		for (i = 0; i < u.nr; i++) {
			const struct item *it = &u.v[i];
			size_t n;
			if (context_rank(it, rest.buf, code) != rank)
				continue;
			n = count_lines(rest.buf + it->start, it->end - it->start);
			if (used + n > max_lines) {
				cut_lines += n;
				strvec_push(&cut, it->name ? it->name : "(unnamed)");
				continue;
			}
			used += n;
			strbuf_add(out, rest.buf + it->start, it->end - it->start);
			strbuf_addch(out, '\n');
		}
	if (cut.nr) {
		strbuf_addf(out, "/* %zu more lines of the unit not shown (line budget %zu):", cut_lines,
			    max_lines);
		for (i = 0; i < cut.nr; i++)
			strbuf_addf(out, " %s", cut.v[i]);
		strbuf_addstr(out, " */\n");
	}
	if (!out->len)
		strbuf_addstr(out, "/* nothing: the kernel uses no other part of its unit */\n");
	items_release(&u);
	strvec_clear(&cut);
	strbuf_release(&rest);
}
