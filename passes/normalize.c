#include "normalize.h"
#include "xalloc.h"

#include <ctype.h>
#include <string.h>

/* Punctuators, longest first, for maximal munch. */
static const char *const puncts[] = {
	"%:%:", "...", "<<=", ">>=", "->", "++", "--", "<<", ">>", "<=", ">=",
	"==", "!=", "&&", "||", "*=", "/=", "%=", "+=", "-=", "&=", "^=", "|=",
	"##", "<:", ":>", "<%", "%>", "%:", NULL,
};

struct lexer {
	const char *p, *end;
	int line_start;    /* only blanks since the last newline */
	int in_directive;  /* inside a # line */
	int skip_line;     /* inside a #line directive: drop it */
	int directive_tokens;
	int is_define;
	const char *macro_name_end; /* "#define F(" keeps F and ( together */
	struct strbuf *out;
	struct norm_token *toks;    /* NULL, or where each kept token lies */
	size_t nr_toks, alloc_toks;
};

/* Skip a comment or a backslash-newline at lx->p; 1 if something was skipped. */
static int skip_gap(struct lexer *lx, int *saw_newline)
{
	const char *p = lx->p;

	if (p + 1 < lx->end && p[0] == '\\' && p[1] == '\n') {
		lx->p += 2;
		return 1;
	}
	if (p + 1 < lx->end && p[0] == '/' && p[1] == '*') {
		const char *e = p + 2;
		while (e + 1 < lx->end && !(e[0] == '*' && e[1] == '/'))
			e++;
		lx->p = e + 1 < lx->end ? e + 2 : lx->end;
		return 1;
	}
	if (p + 1 < lx->end && p[0] == '/' && p[1] == '/') {
		while (lx->p < lx->end && *lx->p != '\n') {
			if (lx->p[0] == '\\' && lx->p + 1 < lx->end && lx->p[1] == '\n')
				lx->p++;
			lx->p++;
		}
		return 1;
	}
	if (*p == '\n') {
		*saw_newline = 1;
		lx->p++;
		return 1;
	}
	if (isspace((unsigned char)*p)) {
		lx->p++;
		return 1;
	}
	return 0;
}

static size_t token_len(const char *p, const char *end)
{
	size_t i;

	if (isalpha((unsigned char)*p) || *p == '_' ||
	    (isdigit((unsigned char)*p)) || (*p == '.' && p + 1 < end && isdigit((unsigned char)p[1]))) {
		const char *q = p + 1;
		int number = !(isalpha((unsigned char)*p) || *p == '_');
		/* string/char prefixes: L"..", u8"..", U'..' */
		while (q < end && (isalnum((unsigned char)*q) || *q == '_' ||
				   (number && (*q == '.' || ((*q == '+' || *q == '-') &&
							     strchr("eEpP", q[-1]))))))
			q++;
		if (!number && q < end && (*q == '"' || *q == '\'') && q - p <= 2)
			return (size_t)(q - p) + token_len(q, end);
		return (size_t)(q - p);
	}
	if (*p == '"' || *p == '\'') {
		const char *q = p + 1;
		while (q < end && *q != *p && *q != '\n') {
			if (*q == '\\' && q + 1 < end)
				q++;
			q++;
		}
		return (size_t)(q < end && *q == *p ? q + 1 - p : q - p);
	}
	for (i = 0; puncts[i]; i++) {
		size_t n = strlen(puncts[i]);
		if ((size_t)(end - p) >= n && !memcmp(p, puncts[i], n))
			return n;
	}
	return 1;
}

static void end_directive(struct lexer *lx)
{
	if (lx->in_directive && !lx->skip_line)
		strbuf_addch(lx->out, '\n');
	lx->in_directive = lx->skip_line = 0;
}

static void lex(struct lexer *lx);

void normalize_c(const char *text, size_t len, struct strbuf *out)
{
	struct lexer lx = { text, text + len, 1, 0, 0, 0, 0, NULL, out, NULL, 0, 0 };

	lex(&lx);
}

void normalize_c_tokens(const char *text, size_t len, struct strbuf *out,
			struct norm_token **ret_toks, size_t *ret_nr)
{
	struct lexer lx = { text, text + len, 1, 0, 0, 0, 0, NULL, out, NULL, 0, 0 };

	lx.toks = xcalloc(1, sizeof(*lx.toks));
	lex(&lx);
	*ret_toks = lx.toks;
	*ret_nr = lx.nr_toks;
}

static void lex(struct lexer *lx_)
{
	struct lexer lx = *lx_;
	const char *text = lx.p;
	struct strbuf *out = lx.out;

	while (lx.p < lx.end) {
		int nl = 0;
		size_t n;

		if (skip_gap(&lx, &nl)) {
			if (nl) {
				end_directive(&lx);
				lx.line_start = 1;
			}
			continue;
		}
		n = token_len(lx.p, lx.end);
		if (lx.line_start && *lx.p == '#') {
			/* a directive starts on a line of its own */
			if (out->len && out->buf[out->len - 1] != '\n')
				strbuf_addch(out, '\n');
			lx.in_directive = 1;
			lx.directive_tokens = 0;
		} else if (lx.in_directive && lx.directive_tokens == 1 &&
			   ((n == 4 && !memcmp(lx.p, "line", 4)) || isdigit((unsigned char)*lx.p))) {
			/* #line N "file" and # N "file": positions, not meaning */
			lx.skip_line = 1;
			if (out->len && out->buf[out->len - 1] == '#')
				strbuf_setlen(out, out->len - 1);
		}
		if (!lx.skip_line) {
			if (out->len && out->buf[out->len - 1] != '\n' &&
			    !(lx.in_directive && lx.directive_tokens == 0) &&
			    !(lx.p == lx.macro_name_end && *lx.p == '('))
				strbuf_addch(out, ' ');
			strbuf_add(out, lx.p, n);
			if (lx.toks) {
				ALLOC_GROW(lx.toks, lx.nr_toks + 1, lx.alloc_toks);
				lx.toks[lx.nr_toks].start = (size_t)(lx.p - text);
				lx.toks[lx.nr_toks++].end = (size_t)(lx.p - text) + n;
			}
		}
		if (lx.in_directive) {
			if (lx.directive_tokens == 1)
				lx.is_define = n == 6 && !memcmp(lx.p, "define", 6);
			if (lx.directive_tokens == 2 && lx.is_define)
				lx.macro_name_end = lx.p + n;
			lx.directive_tokens++;
		}
		lx.line_start = 0;
		lx.p += n;
	}
	end_directive(&lx);
	if (out->len && out->buf[out->len - 1] != '\n')
		strbuf_addch(out, '\n');
	*lx_ = lx;
}
