/*
 * The pragma clause language.  A hand-written recursive-descent parser over
 * the raw clause text: expressions are handed to expr_parse_prefix() where
 * they start, so that an extent ends at the first token that cannot
 * continue it, and every error carries the offset of the token at fault.
 * Expressions are kept as their trimmed source text (what the harness
 * pastes into C); pragma_canonical() reprints them through the expression
 * printer so that spacing and redundant parentheses do not change keys.
 */
#include "pragma.h"
#include "pragma_int.h"
#include "expr.h"
#include "strbuf.h"
#include "xalloc.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longer clause text is refused outright (a pragma is a line or three). */
#define PRAGMA_MAX_LEN 65536

/* Parser state.  The first error wins and sticks: once err->msg is set the
 * parse unwinds, and a later failure does not overwrite it. */
struct pstate {
	const char *s;
	size_t len;
	size_t pos;
	struct pragma *p;
	struct pragma_error *err;
	unsigned seen; /* bit per clause in clauses[] already given */
};

struct clause {
	const char *name;
	int (*parse)(struct pstate *ps, const struct clause *c, size_t at);
	int repeatable;
};

/* In the order of the budget_* fields, and of the bits of enum pragma_allow. */
static const char *const budget_keys[] = { "iterations", "beam", "plans", "samples" };
static const char *const allow_words[] = {
	"fast_math", "optimize", "syscall", "nondeterministic", "tf32", "asm",
};
static const struct { const char *name; enum dist_kind kind; int nargs; } dists[] = {
	{ "uniform", DIST_UNIFORM, 2 }, { "normal", DIST_NORMAL, 2 },
	{ "range", DIST_RANGE, 2 }, { "const", DIST_CONST, 1 },
};

__attribute__((format(printf, 3, 4)))
int pragma_fail(struct pragma_error *err, size_t offset, const char *fmt, ...)
{
	va_list ap;
	struct strbuf sb = STRBUF_INIT;

	if (err->msg)
		return -1;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	err->offset = offset;
	err->msg = strbuf_detach(&sb, NULL);
	return -1;
}

void pragma_init(struct pragma *p)
{
	memset(p, 0, sizeof(*p));
}

void pragma_release(struct pragma *p)
{
	size_t i, j;

	free(p->target);
	for (i = 0; i < p->nr_bufs; i++) {
		free(p->bufs[i].name);
		free(p->bufs[i].extent);
	}
	free(p->bufs);
	for (i = 0; i < p->nr_shapes; i++) {
		for (j = 0; j < p->shapes[i].nr; j++) {
			free(p->shapes[i].binds[j].name);
			free(p->shapes[i].binds[j].value);
		}
		free(p->shapes[i].binds);
	}
	free(p->shapes);
	for (i = 0; i < p->nr_assumes; i++)
		free(p->assumes[i].text);
	free(p->assumes);
	for (i = 0; i < p->nr_inits; i++) {
		free(p->inits[i].name);
		free(p->inits[i].a);
		free(p->inits[i].b);
	}
	free(p->inits);
	free(p->flops.text);
	free(p->bytes.text);
	for (i = 0; i < p->nr_hints; i++)
		free(p->hints[i]);
	free(p->hints);
	pragma_init(p);
}

void pragma_error_release(struct pragma_error *err)
{
	if (!err)
		return;
	free(err->msg);
	err->msg = NULL;
	err->offset = 0;
}

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_alnum(int c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

/* Skip blanks; an unterminated comment is an error that ends the parse. */
static void skip(struct pstate *ps)
{
	if (expr_skip_blank(ps->s, ps->len, &ps->pos) < 0) {
		pragma_fail(ps->err, ps->pos, "unterminated comment");
		ps->pos = ps->len;
	}
}

/* After blanks, is the next byte `c`?  Consumes it when it is. */
static int eat(struct pstate *ps, char c)
{
	skip(ps);
	if (ps->pos < ps->len && ps->s[ps->pos] == c) {
		ps->pos++;
		return 1;
	}
	return 0;
}

/* Read an identifier after blanks: a new string in *ret (caller frees) and
 * its offset, or -1 (nothing consumed, no error set) when there is none. */
static int ident(struct pstate *ps, char **ret, size_t *ret_off)
{
	size_t start;

	skip(ps);
	start = ps->pos;
	if (start >= ps->len || !is_alpha(ps->s[start]))
		return -1;
	while (ps->pos < ps->len && is_alnum(ps->s[ps->pos]))
		ps->pos++;
	*ret = xstrndup(ps->s + start, ps->pos - start);
	*ret_off = start;
	return 0;
}

/* ',' (returns 1) or ')' (returns 0) after a list item, else -1. */
static int list_next(struct pstate *ps)
{
	if (eat(ps, ','))
		return 1;
	if (eat(ps, ')'))
		return 0;
	return pragma_fail(ps->err, ps->pos, "expected ',' or ')'");
}

static int close_paren(struct pstate *ps)
{
	return eat(ps, ')') ? 0 : pragma_fail(ps->err, ps->pos, "expected ')'");
}

/*
 * A number with an optional sign.  Puts its value in *ret, its spelling
 * (sign and literal, no blanks) in *ret_text when non-NULL (caller frees),
 * and its offset in *ret_off.
 */
static int number(struct pstate *ps, struct expr_value *ret, char **ret_text,
		  size_t *ret_off)
{
	struct expr_error ee = { 0, NULL };
	int neg = 0;
	size_t used;

	skip(ps);
	*ret_off = ps->pos;
	if (ps->pos < ps->len && (ps->s[ps->pos] == '-' || ps->s[ps->pos] == '+')) {
		neg = ps->s[ps->pos++] == '-';
		skip(ps);
	}
	if (expr_scan_number(ps->s + ps->pos, ps->len - ps->pos, &used, ret, &ee) < 0) {
		pragma_fail(ps->err, ps->pos + ee.offset, "%s", ee.msg);
		expr_error_release(&ee);
		return -1;
	}
	if (neg) {
		/* no literal reaches LLONG_MIN's magnitude, so this is safe */
		ret->i = -ret->i;
		ret->d = -ret->d;
	}
	if (ret_text)
		*ret_text = xstrfmt("%s%.*s", neg ? "-" : "", (int)used, ps->s + ps->pos);
	ps->pos += used;
	return 0;
}

/* An expression after blanks: its trimmed text (caller frees) and offset. */
static int expression(struct pstate *ps, char **ret_text, size_t *ret_off)
{
	struct expr_error ee = { 0, NULL };
	struct expr *e;
	size_t used;

	skip(ps);
	if (expr_parse_prefix(ps->s + ps->pos, ps->len - ps->pos, &e, &used, &ee) < 0) {
		pragma_fail(ps->err, ps->pos + ee.offset, "%s", ee.msg);
		expr_error_release(&ee);
		return -1;
	}
	expr_free(e);
	*ret_text = xstrndup(ps->s + ps->pos, used);
	*ret_off = ps->pos;
	ps->pos += used;
	return 0;
}

static int parse_target(struct pstate *ps, const struct clause *c, size_t at)
{
	if (ident(ps, &ps->p->target, &ps->p->target_offset) < 0)
		return pragma_fail(ps->err, ps->pos, "expected a target name");
	return close_paren(ps);
}

static int parse_memory(struct pstate *ps, const struct clause *c, size_t at)
{
	char *word = NULL;
	size_t off;

	if (ident(ps, &word, &off) < 0)
		return pragma_fail(ps->err, ps->pos, "expected 'host' or 'device'");
	ps->p->memory_offset = off;
	if (!strcmp(word, "device")) {
		ps->p->memory = MEMORY_DEVICE;
	} else if (strcmp(word, "host")) {
		pragma_fail(ps->err, off, "unknown memory '%s' (host or device)", word);
		free(word);
		return -1;
	}
	free(word);
	return close_paren(ps);
}

static int parse_bufs(struct pstate *ps, const struct clause *c, size_t at)
{
	struct pragma *p = ps->p;
	struct pragma_buf *b;
	size_t alloc = p->nr_bufs;
	int more;

	do {
		ALLOC_GROW(p->bufs, p->nr_bufs + 1, alloc);
		b = &p->bufs[p->nr_bufs];
		memset(b, 0, sizeof(*b));
		if (ident(ps, &b->name, &b->offset) < 0)
			return pragma_fail(ps->err, ps->pos, "expected a buffer name");
		p->nr_bufs++;
		b->dir = !strcmp(c->name, "in") ? BUF_IN :
			 !strcmp(c->name, "out") ? BUF_OUT : BUF_INOUT;
		if (!eat(ps, '['))
			return pragma_fail(ps->err, ps->pos, "expected '[' after '%s'", b->name);
		if (expression(ps, &b->extent, &b->extent_offset) < 0)
			return -1;
		if (!eat(ps, ']'))
			return pragma_fail(ps->err, ps->pos, "expected ']'");
	} while ((more = list_next(ps)) > 0);
	return more;
}

static int parse_args(struct pstate *ps, const struct clause *c, size_t at)
{
	struct pragma *p = ps->p;
	struct pragma_shape *sh;
	struct pragma_bind *bd;
	struct expr_value v;
	size_t alloc = p->nr_shapes, balloc = 0, off;
	int more;

	ALLOC_GROW(p->shapes, p->nr_shapes + 1, alloc);
	sh = &p->shapes[p->nr_shapes++];
	memset(sh, 0, sizeof(*sh));
	sh->offset = at;
	do {
		ALLOC_GROW(sh->binds, sh->nr + 1, balloc);
		bd = &sh->binds[sh->nr];
		memset(bd, 0, sizeof(*bd));
		if (ident(ps, &bd->name, &bd->offset) < 0)
			return pragma_fail(ps->err, ps->pos, "expected a parameter name");
		sh->nr++;
		if (!eat(ps, '='))
			return pragma_fail(ps->err, ps->pos, "expected '=' after '%s'", bd->name);
		if (number(ps, &v, &bd->value, &off) < 0)
			return -1;
	} while ((more = list_next(ps)) > 0);
	return more;
}

static int parse_assume(struct pstate *ps, const struct clause *c, size_t at)
{
	struct pragma *p = ps->p;
	size_t alloc = p->nr_assumes;

	ALLOC_GROW(p->assumes, p->nr_assumes + 1, alloc);
	p->assumes[p->nr_assumes].text = NULL;
	if (expression(ps, &p->assumes[p->nr_assumes].text,
		       &p->assumes[p->nr_assumes].offset) < 0)
		return -1;
	p->nr_assumes++;
	return close_paren(ps);
}

static int parse_work(struct pstate *ps, const struct clause *c, size_t at)
{
	struct pragma_expr *x = !strcmp(c->name, "flops") ? &ps->p->flops : &ps->p->bytes;

	if (expression(ps, &x->text, &x->offset) < 0)
		return -1;
	return close_paren(ps);
}

static int parse_tol(struct pstate *ps, const struct clause *c, size_t at)
{
	struct expr_value v[2];
	size_t n = 0, off;
	int more = 1;

	skip(ps);
	if (eat(ps, ')'))
		return pragma_fail(ps->err, ps->pos - 1, "tol needs 1 or 2 numbers");
	while (more > 0) {
		skip(ps);
		if (n == 2)
			return pragma_fail(ps->err, ps->pos, "tol needs 1 or 2 numbers");
		if (number(ps, &v[n], NULL, &off) < 0)
			return -1;
		if (v[n++].d < 0)
			return pragma_fail(ps->err, off, "tol must not be negative");
		more = list_next(ps);
	}
	if (more < 0)
		return -1;
	ps->p->has_tol = 1;
	ps->p->rtol = v[0].d;
	ps->p->atol = n == 2 ? v[1].d : 0; /* tol(x): scaled by the judge */
	return 0;
}

/* uniform(a, b) and friends, after the distribution's name. */
static int parse_dist(struct pstate *ps, struct pragma_init *in, const char *name,
		      size_t name_off)
{
	size_t i, *offs[2] = { &in->a_offset, &in->b_offset };
	int nargs = 0, more;
	char **arg[2] = { &in->a, &in->b };

	for (i = 0; i < ARRAY_SIZE(dists) && strcmp(dists[i].name, name); i++)
		;
	if (i == ARRAY_SIZE(dists))
		return pragma_fail(ps->err, name_off, "unknown distribution '%s'", name);
	in->dist = dists[i].kind;
	if (!eat(ps, '('))
		return pragma_fail(ps->err, ps->pos, "expected '(' after '%s'", name);
	do {
		if (nargs == dists[i].nargs)
			return pragma_fail(ps->err, ps->pos - 1, "'%s' needs %d argument%s", name,
				    dists[i].nargs, dists[i].nargs > 1 ? "s" : "");
		if (expression(ps, arg[nargs], offs[nargs]) < 0)
			return -1;
		nargs++;
	} while ((more = list_next(ps)) > 0);
	if (more == 0 && nargs < dists[i].nargs)
		return pragma_fail(ps->err, ps->pos - 1, "'%s' needs %d arguments", name,
			    dists[i].nargs);
	return more;
}

static int parse_init(struct pstate *ps, const struct clause *c, size_t at)
{
	struct pragma *p = ps->p;
	struct pragma_init *in;
	size_t alloc = p->nr_inits, off;
	char *dist = NULL;
	int more, res;

	do {
		ALLOC_GROW(p->inits, p->nr_inits + 1, alloc);
		in = &p->inits[p->nr_inits];
		memset(in, 0, sizeof(*in));
		if (ident(ps, &in->name, &in->offset) < 0)
			return pragma_fail(ps->err, ps->pos, "expected a parameter name");
		p->nr_inits++;
		if (!eat(ps, ':'))
			return pragma_fail(ps->err, ps->pos, "expected ':' after '%s'", in->name);
		if (ident(ps, &dist, &off) < 0)
			return pragma_fail(ps->err, ps->pos, "expected a distribution");
		res = parse_dist(ps, in, dist, off);
		free(dist);
		if (res < 0)
			return -1;
	} while ((more = list_next(ps)) > 0);
	return more;
}

static int parse_budget(struct pstate *ps, const struct clause *c, size_t at)
{
	long *slot[] = { &ps->p->budget_iterations, &ps->p->budget_beam,
			 &ps->p->budget_plans, &ps->p->budget_samples };
	struct expr_value v;
	char *key = NULL;
	size_t i, off;
	int more, res = -1;

	do {
		if (ident(ps, &key, &off) < 0)
			return pragma_fail(ps->err, ps->pos, "expected a budget key");
		for (i = 0; i < ARRAY_SIZE(budget_keys) && strcmp(budget_keys[i], key); i++)
			;
		if (i == ARRAY_SIZE(budget_keys)) {
			pragma_fail(ps->err, off, "unknown budget key '%s'", key);
			goto out;
		}
		if (*slot[i]) {
			pragma_fail(ps->err, off, "budget key '%s' given twice", key);
			goto out;
		}
		if (!eat(ps, '=')) {
			pragma_fail(ps->err, ps->pos, "expected '=' after '%s'", key);
			goto out;
		}
		if (number(ps, &v, NULL, &off) < 0)
			goto out;
		if (!v.is_integer || v.i <= 0 || v.i > LONG_MAX) {
			pragma_fail(ps->err, off, "budget '%s' needs a positive integer", key);
			goto out;
		}
		*slot[i] = (long)v.i;
		free(key);
		key = NULL;
	} while ((more = list_next(ps)) > 0);
	res = more;
out:
	free(key);
	return res;
}

static int parse_allow(struct pstate *ps, const struct clause *c, size_t at)
{
	char *word = NULL;
	size_t i, off;
	int more;

	do {
		if (ident(ps, &word, &off) < 0)
			return pragma_fail(ps->err, ps->pos, "expected an allow word");
		for (i = 0; i < ARRAY_SIZE(allow_words) && strcmp(allow_words[i], word); i++)
			;
		if (i == ARRAY_SIZE(allow_words) || ps->p->allow & (1u << i)) {
			pragma_fail(ps->err, off, i == ARRAY_SIZE(allow_words) ?
			     "unknown allow word '%s'" : "allow word '%s' given twice", word);
			free(word);
			return -1;
		}
		ps->p->allow |= 1u << i;
		free(word);
	} while ((more = list_next(ps)) > 0);
	return more;
}

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void add_utf8(struct strbuf *sb, unsigned long u)
{
	if (u < 0x80) {
		strbuf_addch(sb, (int)u);
	} else if (u < 0x800) {
		strbuf_addch(sb, 0xc0 | (u >> 6));
		strbuf_addch(sb, 0x80 | (u & 0x3f));
	} else if (u < 0x10000) {
		strbuf_addch(sb, 0xe0 | (u >> 12));
		strbuf_addch(sb, 0x80 | ((u >> 6) & 0x3f));
		strbuf_addch(sb, 0x80 | (u & 0x3f));
	} else {
		strbuf_addch(sb, 0xf0 | (u >> 18));
		strbuf_addch(sb, 0x80 | ((u >> 12) & 0x3f));
		strbuf_addch(sb, 0x80 | ((u >> 6) & 0x3f));
		strbuf_addch(sb, 0x80 | (u & 0x3f));
	}
}

/*
 * One escape sequence at s[*i] == '\\' inside a string: append its bytes
 * and advance *i past it.
 */
static int escape(struct pstate *ps, size_t *i, struct strbuf *out)
{
	static const char simple[] = "n\nt\tr\ra\ab\bf\fv\v\\\\\"\"''??";
	const char *s = ps->s, *hit;
	size_t at = *i, j = at + 1, k;
	unsigned long v = 0;
	int d, ndig;

	if (j >= ps->len)
		return pragma_fail(ps->err, at, "unterminated string in hint");
	hit = strchr(simple, s[j]);
	if (s[j] && hit && (hit - simple) % 2 == 0) {
		strbuf_addch(out, hit[1]);
		*i = j + 1;
		return 0;
	}
	if (s[j] >= '0' && s[j] <= '7') {
		for (k = j; k < ps->len && k < j + 3 && s[k] >= '0' && s[k] <= '7'; k++)
			v = v * 8 + (s[k] - '0');
	} else if (s[j] == 'x') {
		for (k = j + 1; k < ps->len && (d = hex_value(s[k])) >= 0; k++)
			if ((v = v * 16 + d) > 0xff)
				return pragma_fail(ps->err, at, "escape sequence out of range in hint");
		if (k == j + 1)
			return pragma_fail(ps->err, at, "escape '\\x' has no hex digits in hint");
	} else if (s[j] == 'u' || s[j] == 'U') {
		ndig = s[j] == 'u' ? 4 : 8;
		for (k = j + 1; k < ps->len && k < j + 1 + ndig && (d = hex_value(s[k])) >= 0; k++)
			v = v * 16 + d;
		if (k != j + 1 + (size_t)ndig || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
			return pragma_fail(ps->err, at, "invalid universal character name in hint");
		add_utf8(out, v);
		*i = k;
		return v ? 0 : pragma_fail(ps->err, at, "hint contains a NUL character");
	} else {
		return pragma_fail(ps->err, at, "unknown escape sequence '\\%c' in hint",
			    s[j] > 0x20 && s[j] < 0x7f ? s[j] : '?');
	}
	if (v > 0xff)
		return pragma_fail(ps->err, at, "escape sequence out of range in hint");
	if (!v)
		return pragma_fail(ps->err, at, "hint contains a NUL character");
	strbuf_addch(out, (int)v);
	*i = k;
	return 0;
}

/* A C string literal at ps->pos (the opening quote), appended to `out`. */
static int string_literal(struct pstate *ps, struct strbuf *out)
{
	size_t open = ps->pos, i = open + 1;
	const char *s = ps->s;

	for (;;) {
		if (i >= ps->len || s[i] == '\n')
			return pragma_fail(ps->err, open, "unterminated string in hint");
		if (s[i] == '"')
			break;
		if (s[i] == '\\' && i + 1 < ps->len && s[i + 1] == '\n') {
			i += 2; /* line splice */
		} else if (s[i] == '\\' && i + 2 < ps->len && s[i + 1] == '\r' &&
			   s[i + 2] == '\n') {
			i += 3;
		} else if (s[i] == '\\') {
			if (escape(ps, &i, out) < 0)
				return -1;
		} else {
			strbuf_addch(out, s[i++]);
		}
	}
	ps->pos = i + 1;
	return 0;
}

/* hint("...") with adjacent literals concatenated, as in C. */
static int parse_hint(struct pstate *ps, const struct clause *c, size_t at)
{
	struct pragma *p = ps->p;
	struct strbuf sb = STRBUF_INIT;
	size_t alloc = p->nr_hints;
	int n = 0;

	for (skip(ps); ps->pos < ps->len && ps->s[ps->pos] == '"'; skip(ps), n++)
		if (string_literal(ps, &sb) < 0) {
			strbuf_release(&sb);
			return -1;
		}
	if (!n)
		return pragma_fail(ps->err, ps->pos, "expected a string");
	ALLOC_GROW(p->hints, p->nr_hints + 1, alloc);
	p->hints[p->nr_hints++] = strbuf_detach(&sb, NULL);
	return close_paren(ps);
}

static const struct clause clauses[] = {
	{ "target", parse_target, 0 },
	{ "memory", parse_memory, 0 },
	{ "in", parse_bufs, 1 },
	{ "out", parse_bufs, 1 },
	{ "inout", parse_bufs, 1 },
	{ "args", parse_args, 1 },
	{ "assume", parse_assume, 1 },
	{ "tol", parse_tol, 0 },
	{ "init", parse_init, 1 },
	{ "flops", parse_work, 0 },
	{ "bytes", parse_work, 0 },
	{ "budget", parse_budget, 0 },
	{ "hint", parse_hint, 1 },
	{ "allow", parse_allow, 0 },
};

static int parse_clause(struct pstate *ps)
{
	char *name = NULL;
	size_t i, at;
	int res = -1;

	if (ident(ps, &name, &at) < 0)
		return pragma_fail(ps->err, ps->pos, "expected a clause name");
	for (i = 0; i < ARRAY_SIZE(clauses) && strcmp(clauses[i].name, name); i++)
		;
	if (i == ARRAY_SIZE(clauses))
		pragma_fail(ps->err, at, "unknown clause '%s'", name);
	else if (!clauses[i].repeatable && (ps->seen & (1u << i)))
		pragma_fail(ps->err, at, "clause '%s' given twice", name);
	else if (!eat(ps, '('))
		pragma_fail(ps->err, ps->pos, "expected '(' after '%s'", name);
	else
		res = clauses[i].parse(ps, &clauses[i], at);
	if (!res)
		ps->seen |= 1u << i;
	free(name);
	return res;
}

int pragma_parse(const char *text, size_t len, struct pragma *p,
		 struct pragma_error *err)
{
	struct pragma_error local = { 0, NULL };
	struct pstate ps = { text, len, 0, p, err ? err : &local, 0 };
	const char *nul;
	int failed;

	pragma_init(p);
	ps.err->offset = 0;
	ps.err->msg = NULL;
	nul = memchr(text, '\0', len);
	if (len > PRAGMA_MAX_LEN)
		pragma_fail(ps.err, PRAGMA_MAX_LEN, "pragma text is too long");
	else if (nul) /* texts are kept as C strings: even a comment cannot hold one */
		pragma_fail(ps.err, nul - text, "pragma text contains a NUL byte");
	for (skip(&ps); !ps.err->msg && ps.pos < len; skip(&ps))
		if (parse_clause(&ps) < 0)
			break;
	if (!p->target)
		p->target = xstrdup("host");
	if (!ps.err->msg) {
		/* canonical text can be longer than the input (parentheses,
		 * escapes); keep it parseable too */
		char *canon = pragma_canonical(p);
		if (strlen(canon) > PRAGMA_MAX_LEN)
			pragma_fail(ps.err, 0, "pragma text is too long");
		free(canon);
	}
	failed = ps.err->msg != NULL;
	pragma_error_release(&local);
	if (failed)
		pragma_release(p);
	return failed ? -1 : 0;
}

/* The shortest "%g" text that reads back as the same double. */
static void add_double(struct strbuf *sb, double d)
{
	char buf[40];
	int prec;

	for (prec = 1; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	if (prec == 17)
		snprintf(buf, sizeof(buf), "%.17g", d);
	strbuf_addstr(sb, buf);
}

/* An expression's canonical text (as written when it does not parse). */
static void add_expr(struct strbuf *sb, const char *text)
{
	if (text && expr_canonical(text, strlen(text), sb, NULL) < 0)
		strbuf_addstr(sb, text);
}

/* A C string literal that reads back as `s`. */
static void add_c_string(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '"');
	for (; *s; s++) {
		unsigned char c = *s;
		if (c == '"' || c == '\\')
			strbuf_addf(sb, "\\%c", c);
		else if (c == '\n')
			strbuf_addstr(sb, "\\n");
		else if (c == '\t')
			strbuf_addstr(sb, "\\t");
		else if (c < 0x20 || c == 0x7f)
			strbuf_addf(sb, "\\%03o", c);
		else
			strbuf_addch(sb, c);
	}
	strbuf_addch(sb, '"');
}

/* Sort by name; equal names keep their order (the address breaks ties). */
static int cmp_buf(const void *x, const void *y)
{
	const struct pragma_buf *a = *(const struct pragma_buf *const *)x;
	const struct pragma_buf *b = *(const struct pragma_buf *const *)y;
	int c = strcmp(a->name ? a->name : "", b->name ? b->name : "");

	return c ? c : (a > b) - (a < b);
}

static int cmp_init(const void *x, const void *y)
{
	const struct pragma_init *a = *(const struct pragma_init *const *)x;
	const struct pragma_init *b = *(const struct pragma_init *const *)y;
	int c = strcmp(a->name ? a->name : "", b->name ? b->name : "");

	return c ? c : (a > b) - (a < b);
}

static void add_bufs(struct strbuf *sb, const struct pragma *p)
{
	const struct pragma_buf **v = xcalloc(p->nr_bufs + 1, sizeof(*v));
	size_t i;

	for (i = 0; i < p->nr_bufs; i++)
		v[i] = &p->bufs[i];
	qsort(v, p->nr_bufs, sizeof(*v), cmp_buf);
	for (i = 0; i < p->nr_bufs; i++) {
		strbuf_addf(sb, " %s(%s[", v[i]->dir == BUF_IN ? "in" :
			    v[i]->dir == BUF_OUT ? "out" : "inout", v[i]->name);
		add_expr(sb, v[i]->extent);
		strbuf_addstr(sb, "])");
	}
	free(v);
}

static void add_inits(struct strbuf *sb, const struct pragma *p)
{
	const struct pragma_init **v = xcalloc(p->nr_inits + 1, sizeof(*v));
	size_t i, d;

	for (i = 0; i < p->nr_inits; i++)
		v[i] = &p->inits[i];
	qsort(v, p->nr_inits, sizeof(*v), cmp_init);
	for (i = 0; i < p->nr_inits; i++) {
		for (d = 0; d < ARRAY_SIZE(dists) && dists[d].kind != v[i]->dist; d++)
			;
		strbuf_addf(sb, " init(%s: %s(", v[i]->name,
			    d < ARRAY_SIZE(dists) ? dists[d].name : "?");
		add_expr(sb, v[i]->a);
		if (v[i]->b) {
			strbuf_addstr(sb, ", ");
			add_expr(sb, v[i]->b);
		}
		strbuf_addstr(sb, "))");
	}
	free(v);
}

static void add_list_tail(struct strbuf *sb, const struct pragma *p)
{
	const long budget[] = { p->budget_iterations, p->budget_beam,
				p->budget_plans, p->budget_samples };
	const char *sep = " budget(";
	size_t i;

	for (i = 0; i < ARRAY_SIZE(budget); i++)
		if (budget[i]) {
			strbuf_addf(sb, "%s%s=%ld", sep, budget_keys[i], budget[i]);
			sep = ", ";
		}
	if (*sep == ',')
		strbuf_addch(sb, ')');
	for (i = 0; i < p->nr_hints; i++) {
		strbuf_addstr(sb, " hint(");
		add_c_string(sb, p->hints[i]);
		strbuf_addch(sb, ')');
	}
	sep = " allow(";
	for (i = 0; i < ARRAY_SIZE(allow_words); i++)
		if (p->allow & (1u << i)) {
			strbuf_addf(sb, "%s%s", sep, allow_words[i]);
			sep = ", ";
		}
	if (*sep == ',')
		strbuf_addch(sb, ')');
}

char *pragma_canonical(const struct pragma *p)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, j;

	if (p->target)
		strbuf_addf(&sb, " target(%s)", p->target);
	if (p->memory == MEMORY_DEVICE)
		strbuf_addstr(&sb, " memory(device)");
	add_bufs(&sb, p);
	for (i = 0; i < p->nr_shapes; i++) {
		strbuf_addstr(&sb, " args(");
		for (j = 0; j < p->shapes[i].nr; j++)
			strbuf_addf(&sb, "%s%s=%s", j ? ", " : "", p->shapes[i].binds[j].name,
				    p->shapes[i].binds[j].value);
		strbuf_addch(&sb, ')');
	}
	for (i = 0; i < p->nr_assumes; i++) {
		strbuf_addstr(&sb, " assume(");
		add_expr(&sb, p->assumes[i].text);
		strbuf_addch(&sb, ')');
	}
	if (p->has_tol) {
		strbuf_addstr(&sb, " tol(");
		add_double(&sb, p->rtol);
		if (p->atol != 0) {
			strbuf_addstr(&sb, ", ");
			add_double(&sb, p->atol);
		}
		strbuf_addch(&sb, ')');
	}
	add_inits(&sb, p);
	if (p->flops.text) {
		strbuf_addstr(&sb, " flops(");
		add_expr(&sb, p->flops.text);
		strbuf_addch(&sb, ')');
	}
	if (p->bytes.text) {
		strbuf_addstr(&sb, " bytes(");
		add_expr(&sb, p->bytes.text);
		strbuf_addch(&sb, ')');
	}
	add_list_tail(&sb, p);
	if (sb.len)
		strbuf_splice(&sb, 0, 1, "", 0); /* the leading space */
	return strbuf_detach(&sb, NULL);
}

