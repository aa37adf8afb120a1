#include "expr.h"
#include "log.h"
#include "strbuf.h"
#include "xalloc.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Tokens; those from T_MUL on are binary operators (see ops[]). */
enum tok {
	T_END, T_BADCOMMENT, T_OTHER, T_NUM, T_IDENT,
	T_LPAREN, T_RPAREN, T_QUEST, T_COLON, T_NOT, T_TILDE,
	T_MUL, T_DIV, T_MOD, T_ADD, T_SUB, T_SHL, T_SHR,
	T_LT, T_LE, T_GT, T_GE, T_EQ, T_NE,
	T_BAND, T_BXOR, T_BOR, T_LAND, T_LOR,
	T_NR
};

/* Spelling and binary precedence (0: not a binary operator). */
static const struct { const char *s; int prec; } ops[T_NR] = {
	[T_LPAREN] = { "(", 0 }, [T_RPAREN] = { ")", 0 },
	[T_QUEST] = { "?", 0 }, [T_COLON] = { ":", 0 },
	[T_NOT] = { "!", 0 }, [T_TILDE] = { "~", 0 },
	[T_MUL] = { "*", 10 }, [T_DIV] = { "/", 10 }, [T_MOD] = { "%", 10 },
	[T_ADD] = { "+", 9 }, [T_SUB] = { "-", 9 },
	[T_SHL] = { "<<", 8 }, [T_SHR] = { ">>", 8 },
	[T_LT] = { "<", 7 }, [T_LE] = { "<=", 7 }, [T_GT] = { ">", 7 },
	[T_GE] = { ">=", 7 }, [T_EQ] = { "==", 6 }, [T_NE] = { "!=", 6 },
	[T_BAND] = { "&", 5 }, [T_BXOR] = { "^", 4 }, [T_BOR] = { "|", 3 },
	[T_LAND] = { "&&", 2 }, [T_LOR] = { "||", 1 },
};

/* C punctuators we do not support, longest first so that "<<=" is not read
 * as "<<" followed by "=". */
static const char *const unsupported[] = {
	"<<=", ">>=", "...", "->", "++", "--", "+=", "-=", "*=", "/=", "%=",
	"&=", "^=", "|=", "##",
};

enum node { N_INT, N_FLOAT, N_IDENT, N_UNARY, N_BINARY, N_COND };

struct expr {
	enum node kind;
	enum tok op;          /* N_UNARY, N_BINARY */
	size_t offset;        /* of the literal, name or operator */
	char *text;           /* spelling of a literal or name */
	struct expr_value val; /* of a literal */
	struct expr *a, *b, *c; /* operands; c only for ?: (a ? b : c) */
	int height;
	size_t plen;          /* length of expr_print's text */
};

struct token {
	enum tok kind;
	size_t start, end;
};

struct parser {
	const char *s;
	size_t len;
	struct token tok;  /* the lookahead */
	size_t last_end;   /* end of the last token consumed */
	int nest;          /* recursion depth of parse_cond/parse_unary */
	struct expr_error *err;
};

/* Recursion allowance; twice the tree depth, since parentheses around a
 * node nest the parser once more without adding a level to the tree. */
#define MAX_NEST (2 * EXPR_MAX_DEPTH + 2)

__attribute__((format(printf, 3, 4)))
static int set_error(struct expr_error *err, size_t offset, const char *fmt, ...)
{
	va_list ap;
	struct strbuf sb = STRBUF_INIT;

	if (!err || err->msg)
		return -1;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	err->offset = offset;
	err->msg = strbuf_detach(&sb, NULL);
	return -1;
}

void expr_error_release(struct expr_error *err)
{
	if (!err)
		return;
	free(err->msg);
	err->msg = NULL;
	err->offset = 0;
}

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static int is_alnum(int c) { return is_alpha(c) || is_digit(c); }

/* The spelling of s[0..n) for a message: at most 32 bytes, then "...". */
static void add_spelling(struct strbuf *sb, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < 32; i++) {
		unsigned char c = s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'')
			strbuf_addch(sb, c);
		else
			strbuf_addf(sb, "\\x%02x", c);
	}
	if (n > 32)
		strbuf_addstr(sb, "...");
}

int expr_skip_blank(const char *s, size_t len, size_t *pos)
{
	size_t i = *pos;

	while (i < len) {
		char c = s[i], d = i + 1 < len ? s[i + 1] : 0;

		if (strchr(" \t\n\r\v\f", c) && c) {
			i++;
		} else if (c == '\\' && d == '\n') {
			i += 2;
		} else if (c == '\\' && d == '\r' && i + 2 < len && s[i + 2] == '\n') {
			i += 3;
		} else if (c == '/' && d == '*') {
			const char *end = memmem(s + i + 2, len - i - 2, "*/", 2);
			if (!end) {
				*pos = i;
				return -1;
			}
			i = end - s + 2;
		} else if (c == '/' && d == '/') {
			/* to the end of the line; a spliced newline continues it */
			for (i += 2; i < len && s[i] != '\n'; i++)
				if (s[i] == '\\' && i + 1 < len && s[i + 1] == '\n')
					i++;
		} else {
			break;
		}
	}
	*pos = i;
	return 0;
}

/* Length of the pp-number at s (0 when there is none). */
static size_t ppnumber_len(const char *s, size_t len)
{
	size_t i = 0;

	if (!len || !(is_digit(s[0]) || (s[0] == '.' && len > 1 && is_digit(s[1]))))
		return 0;
	while (i < len) {
		char c = s[i];
		if (strchr("eEpP", c) && c && i + 1 < len &&
		    (s[i + 1] == '+' || s[i + 1] == '-'))
			i += 2;
		else if (is_alnum(c) || c == '.')
			i++;
		else
			break;
	}
	return i;
}

/* Is s[0..n) a valid integer suffix (u, l, ll, and u with either)? */
static int int_suffix_ok(const char *s, size_t n)
{
	size_t i = 0;
	int u = 0;

	if (i < n && (s[i] == 'u' || s[i] == 'U'))
		i++, u = 1;
	if (i + 1 < n && (!memcmp(s + i, "ll", 2) || !memcmp(s + i, "LL", 2)))
		i += 2;
	else if (i < n && (s[i] == 'l' || s[i] == 'L'))
		i++;
	if (!u && i < n && (s[i] == 'u' || s[i] == 'U'))
		i++;
	return i == n;
}

static int digit_value(int c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

static int int_value(const char *s, size_t n, struct expr_value *ret,
		     struct expr_error *err)
{
	unsigned long long v = 0;
	unsigned base = 10;
	size_t i = 0, first;
	struct strbuf sb = STRBUF_INIT;
	int res = -1;

	if (n > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, i = 2;
	else if (s[0] == '0')
		base = 8;
	first = i;
	for (; i < n && (base == 16 ? digit_value(s[i]) < 16 : is_digit(s[i])); i++) {
		unsigned d = digit_value(s[i]);
		if (d >= base) {
			set_error(err, i, "invalid digit '%c' in octal literal", s[i]);
			goto out;
		}
		if (__builtin_mul_overflow(v, base, &v) ||
		    __builtin_add_overflow(v, d, &v))
			v = ULLONG_MAX;
	}
	add_spelling(&sb, s, n);
	if (i == first) {
		set_error(err, 0, "invalid hexadecimal literal '%s'", sb.buf);
	} else if (!int_suffix_ok(s + i, n - i)) {
		strbuf_reset(&sb);
		add_spelling(&sb, s + i, n - i);
		set_error(err, i, "invalid suffix '%s' on integer literal", sb.buf);
	} else if (v > LLONG_MAX) {
		set_error(err, 0, "integer literal '%s' is too large", sb.buf);
	} else {
		ret->is_integer = 1;
		ret->i = (long long)v;
		ret->d = (double)ret->i;
		res = 0;
	}
out:
	strbuf_release(&sb);
	return res;
}

static int float_value(const char *s, size_t n, int hex, struct expr_value *ret,
		       struct expr_error *err)
{
	char *copy = xstrndup(s, n), *end;
	struct strbuf sb = STRBUF_INIT;
	size_t used;
	double d;
	int res = -1;

	errno = 0;
	d = strtod(copy, &end);
	used = end - copy;
	if (hex && !memchr(s, 'p', used) && !memchr(s, 'P', used)) {
		add_spelling(&sb, s, n);
		set_error(err, 0, "hexadecimal floating literal '%s' has no exponent",
			  sb.buf);
	} else if (used < n && !(used + 1 == n && strchr("fFlL", s[used]))) {
		add_spelling(&sb, s + used, n - used);
		set_error(err, used, "invalid suffix '%s' on floating literal", sb.buf);
	} else if (!isfinite(d)) {
		add_spelling(&sb, s, n);
		set_error(err, 0, "floating literal '%s' is out of range", sb.buf);
	} else {
		ret->is_integer = 0;
		ret->i = 0;
		ret->d = d;
		res = 0;
	}
	free(copy);
	strbuf_release(&sb);
	return res;
}

int expr_scan_number(const char *s, size_t len, size_t *ret_used,
		     struct expr_value *ret, struct expr_error *err)
{
	size_t n = ppnumber_len(s, len);
	int hex;

	if (!n)
		return set_error(err, 0, "expected a number");
	*ret_used = n;
	hex = n > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	if (memchr(s, '.', n) || (hex && (memchr(s, 'p', n) || memchr(s, 'P', n))) ||
	    (!hex && (memchr(s, 'e', n) || memchr(s, 'E', n))))
		return float_value(s, n, hex, ret, err);
	return int_value(s, n, ret, err);
}

/* Read the token at `pos` into ps->tok. */
static void lex(struct parser *ps, size_t pos)
{
	struct token *t = &ps->tok;
	const char *s = ps->s;
	size_t i, n;

	t->kind = T_BADCOMMENT;
	if (expr_skip_blank(s, ps->len, &pos) < 0) {
		t->start = pos;
		t->end = ps->len;
		return;
	}
	t->start = pos;
	t->end = pos;
	if (pos == ps->len) {
		t->kind = T_END;
		return;
	}
	if ((n = ppnumber_len(s + pos, ps->len - pos))) {
		t->kind = T_NUM;
		t->end = pos + n;
		return;
	}
	if (is_alpha(s[pos])) {
		for (t->end = pos + 1; t->end < ps->len && is_alnum(s[t->end]); t->end++)
			;
		t->kind = T_IDENT;
		return;
	}
	for (i = 0; i < ARRAY_SIZE(unsupported); i++) {
		n = strlen(unsupported[i]);
		if (ps->len - pos >= n && !memcmp(s + pos, unsupported[i], n)) {
			t->kind = T_OTHER;
			t->end = pos + n;
			return;
		}
	}
	/* two-byte operators first: "<<" before "<" */
	for (n = 2; n > 0; n--)
		for (i = T_LPAREN; i < T_NR; i++)
			if (strlen(ops[i].s) == n && ps->len - pos >= n &&
			    !memcmp(s + pos, ops[i].s, n)) {
				t->kind = i;
				t->end = pos + n;
				return;
			}
	t->kind = T_OTHER;
	t->end = pos + 1;
}

static void advance(struct parser *ps)
{
	ps->last_end = ps->tok.end;
	lex(ps, ps->tok.end);
}

/* Report the lookahead as unexpected. */
static struct expr *unexpected(struct parser *ps, const char *what)
{
	struct token *t = &ps->tok;
	struct strbuf sb = STRBUF_INIT;

	if (t->kind == T_BADCOMMENT) {
		set_error(ps->err, t->start, "unterminated comment");
	} else if (t->kind == T_END) {
		set_error(ps->err, t->start, "%s", what);
	} else {
		add_spelling(&sb, ps->s + t->start, t->end - t->start);
		set_error(ps->err, t->start, "%s before '%s'", what, sb.buf);
	}
	strbuf_release(&sb);
	return NULL;
}

/* What an operand adds to the printed length (see print_operand). */
static size_t operand_plen(const struct expr *e)
{
	if (!e)
		return 0;
	return e->plen + (e->kind == N_UNARY || e->kind == N_BINARY ||
			  e->kind == N_COND ? 2 : 0);
}

/*
 * A new node over a, b, c (taking them; all are freed on failure) for the
 * token at [offset, end).  The length limit holds for the text as written
 * and as printed, so that what expr_print writes always parses again.
 */
static struct expr *node_new(struct parser *ps, enum node kind, size_t offset,
			     size_t end, struct expr *a, struct expr *b,
			     struct expr *c)
{
	struct expr *e;
	int h = 0;
	size_t plen = operand_plen(a) + operand_plen(b) + operand_plen(c);

	if (a && a->height > h)
		h = a->height;
	if (b && b->height > h)
		h = b->height;
	if (c && c->height > h)
		h = c->height;
	/* the token itself: "x", "-", " * ", " ? " and " : " */
	plen += kind == N_BINARY ? end - offset + 2 : kind == N_COND ? 6 : end - offset;
	if (h + 1 > EXPR_MAX_DEPTH || end > EXPR_MAX_LEN || plen > EXPR_MAX_LEN) {
		set_error(ps->err, offset, h + 1 > EXPR_MAX_DEPTH ?
			  "expression nested too deeply" : "expression is too long");
		expr_free(a);
		expr_free(b);
		expr_free(c);
		return NULL;
	}
	e = xcalloc(1, sizeof(*e));
	e->kind = kind;
	e->offset = offset;
	e->a = a;
	e->b = b;
	e->c = c;
	e->height = h + 1;
	e->plen = plen;
	return e;
}

static struct expr *parse_cond(struct parser *ps);

static struct expr *parse_primary(struct parser *ps)
{
	struct token t = ps->tok;
	struct expr_value val;
	struct expr_error lit_err = { 0, NULL };
	struct expr *e;
	size_t used;

	switch (t.kind) {
	case T_NUM:
		if (expr_scan_number(ps->s + t.start, t.end - t.start, &used, &val,
				     &lit_err) < 0) {
			set_error(ps->err, t.start + lit_err.offset, "%s", lit_err.msg);
			expr_error_release(&lit_err);
			return NULL;
		}
		/* fall through */
	case T_IDENT:
		e = node_new(ps, t.kind == T_NUM ? (val.is_integer ? N_INT : N_FLOAT)
			     : N_IDENT, t.start, t.end, NULL, NULL, NULL);
		if (!e)
			return NULL;
		e->text = xstrndup(ps->s + t.start, t.end - t.start);
		if (t.kind == T_NUM)
			e->val = val;
		advance(ps);
		return e;
	case T_LPAREN:
		advance(ps);
		if (!(e = parse_cond(ps)))
			return NULL;
		if (ps->tok.kind != T_RPAREN) {
			expr_free(e);
			return unexpected(ps, "expected ')'");
		}
		advance(ps);
		return e;
	default:
		return unexpected(ps, "expected an expression");
	}
}

static struct expr *parse_unary(struct parser *ps)
{
	struct token t = ps->tok;
	struct expr *e;

	if (t.kind != T_ADD && t.kind != T_SUB && t.kind != T_NOT &&
	    t.kind != T_TILDE)
		return parse_primary(ps);
	if (++ps->nest > MAX_NEST) {
		set_error(ps->err, t.start, "expression nested too deeply");
		return NULL;
	}
	advance(ps);
	e = parse_unary(ps);
	ps->nest--;
	if (!e || !(e = node_new(ps, N_UNARY, t.start, t.end, e, NULL, NULL)))
		return NULL;
	e->op = t.kind;
	return e;
}

/* Precedence climbing: operators of precedence >= min_prec, left to right. */
static struct expr *parse_binary(struct parser *ps, int min_prec)
{
	struct expr *lhs = parse_unary(ps), *rhs;

	while (lhs && ops[ps->tok.kind].prec >= min_prec && ops[ps->tok.kind].prec) {
		struct token t = ps->tok;

		advance(ps);
		rhs = parse_binary(ps, ops[t.kind].prec + 1);
		if (!rhs) {
			expr_free(lhs);
			return NULL;
		}
		lhs = node_new(ps, N_BINARY, t.start, t.end, lhs, rhs, NULL);
		if (lhs)
			lhs->op = t.kind;
	}
	return lhs;
}

static struct expr *parse_cond(struct parser *ps)
{
	struct expr *c, *a = NULL, *b;
	struct token q;

	if (++ps->nest > MAX_NEST) {
		set_error(ps->err, ps->tok.start, "expression nested too deeply");
		return NULL;
	}
	c = parse_binary(ps, 1);
	if (c && ps->tok.kind == T_QUEST) {
		q = ps->tok;
		advance(ps);
		if (!(a = parse_cond(ps)))
			goto fail;
		if (ps->tok.kind != T_COLON) {
			unexpected(ps, "expected ':'");
			goto fail;
		}
		advance(ps);
		if (!(b = parse_cond(ps)))
			goto fail;
		c = node_new(ps, N_COND, q.start, q.end, c, a, b);
	}
	ps->nest--;
	return c;
fail:
	expr_free(c);
	expr_free(a);
	return NULL;
}

static int parse(const char *text, size_t len, int whole, struct expr **ret,
		 size_t *ret_used, struct expr_error *err)
{
	struct parser ps = { text, len, { T_END, 0, 0 }, 0, 0, err };
	struct expr *e;

	*ret = NULL;
	lex(&ps, 0);
	if (!(e = parse_cond(&ps)))
		goto fail;
	if (whole && ps.tok.kind != T_END) {
		expr_free(e);
		unexpected(&ps, "expected an operator");
		goto fail;
	}
	*ret = e;
	if (ret_used)
		*ret_used = ps.last_end;
	return 0;
fail:
	/* every failing path sets an error, but a caller passing an error that
	 * is already set gets -1 all the same */
	return -1;
}

int expr_parse(const char *text, size_t len, struct expr **ret,
	       struct expr_error *err)
{
	return parse(text, len, 1, ret, NULL, err);
}

int expr_parse_prefix(const char *text, size_t len, struct expr **ret,
		      size_t *ret_used, struct expr_error *err)
{
	return parse(text, len, 0, ret, ret_used, err);
}

void expr_free(struct expr *e)
{
	if (!e)
		return;
	expr_free(e->a);
	expr_free(e->b);
	expr_free(e->c);
	free(e->text);
	free(e);
}

static void collect_idents(const struct expr *e, struct expr_ident **v,
			   size_t *nr, size_t *alloc)
{
	if (!e)
		return;
	if (e->kind == N_IDENT) {
		ALLOC_GROW(*v, *nr + 1, *alloc);
		(*v)[*nr].name = e->text;
		(*v)[(*nr)++].offset = e->offset;
	}
	collect_idents(e->a, v, nr, alloc);
	collect_idents(e->b, v, nr, alloc);
	collect_idents(e->c, v, nr, alloc);
}

size_t expr_idents(const struct expr *e, struct expr_ident **ret)
{
	size_t nr = 0, alloc = 0;

	*ret = NULL;
	collect_idents(e, ret, &nr, &alloc);
	return nr;
}

static void print_operand(const struct expr *e, struct strbuf *out)
{
	int paren = e->kind == N_UNARY || e->kind == N_BINARY || e->kind == N_COND;

	if (paren)
		strbuf_addch(out, '(');
	expr_print(e, out);
	if (paren)
		strbuf_addch(out, ')');
}

void expr_print(const struct expr *e, struct strbuf *out)
{
	switch (e->kind) {
	case N_UNARY:
		strbuf_addstr(out, ops[e->op].s);
		print_operand(e->a, out);
		break;
	case N_BINARY:
		print_operand(e->a, out);
		strbuf_addf(out, " %s ", ops[e->op].s);
		print_operand(e->b, out);
		break;
	case N_COND:
		print_operand(e->a, out);
		strbuf_addstr(out, " ? ");
		print_operand(e->b, out);
		strbuf_addstr(out, " : ");
		print_operand(e->c, out);
		break;
	default:
		strbuf_addstr(out, e->text);
	}
}

int expr_canonical(const char *text, size_t len, struct strbuf *out,
		   struct expr_error *err)
{
	struct expr *e;

	if (expr_parse(text, len, &e, err) < 0)
		return -1;
	expr_print(e, out);
	expr_free(e);
	return 0;
}

struct eval {
	expr_lookup_fn *lookup;
	void *data;
	struct expr_error *err;
};

static void set_int(struct expr_value *v, long long i)
{
	v->is_integer = 1;
	v->i = i;
	v->d = (double)i;
}

static void set_double(struct expr_value *v, double d)
{
	v->is_integer = 0;
	v->i = 0;
	v->d = d;
}

static int truth(const struct expr_value *v)
{
	return v->is_integer ? v->i != 0 : v->d != 0.0;
}

static int eval_node(struct eval *ev, const struct expr *e, struct expr_value *ret);

static int eval_ident(struct eval *ev, const struct expr *e, struct expr_value *ret)
{
	if (!ev->lookup || ev->lookup(e->text, ret, ev->data) < 0)
		return set_error(ev->err, e->offset, "'%s' has no value", e->text);
	if (ret->is_integer)
		set_int(ret, ret->i);
	else if (!isfinite(ret->d))
		return set_error(ev->err, e->offset, "'%s' is not a finite number",
				 e->text);
	return 0;
}

static int eval_unary(struct eval *ev, const struct expr *e, struct expr_value *ret)
{
	struct expr_value v;

	if (eval_node(ev, e->a, &v) < 0)
		return -1;
	switch (e->op) {
	case T_ADD:
		*ret = v;
		return 0;
	case T_SUB:
		if (!v.is_integer)
			set_double(ret, -v.d);
		else if (v.i == LLONG_MIN)
			return set_error(ev->err, e->offset, "integer overflow in '-'");
		else
			set_int(ret, -v.i);
		return 0;
	case T_NOT:
		set_int(ret, !truth(&v));
		return 0;
	default: /* T_TILDE */
		if (!v.is_integer)
			return set_error(ev->err, e->offset,
					 "operand of '~' must be an integer");
		set_int(ret, ~v.i);
		return 0;
	}
}

/* Integer operators where C has undefined behaviour report an error. */
static int int_binary(struct eval *ev, const struct expr *e, long long x,
		      long long y, struct expr_value *ret)
{
	long long z = 0;
	int overflow = 0;

	switch (e->op) {
	case T_MUL: overflow = __builtin_mul_overflow(x, y, &z); break;
	case T_ADD: overflow = __builtin_add_overflow(x, y, &z); break;
	case T_SUB: overflow = __builtin_sub_overflow(x, y, &z); break;
	case T_DIV:
	case T_MOD:
		if (!y)
			return set_error(ev->err, e->offset, "division by zero");
		overflow = x == LLONG_MIN && y == -1;
		if (!overflow)
			z = e->op == T_DIV ? x / y : x % y;
		break;
	case T_SHL:
	case T_SHR:
		if (y < 0 || y > 63)
			return set_error(ev->err, e->offset,
					 "shift count %lld is out of range", y);
		if (e->op == T_SHR) {
			/* arithmetic shift without implementation-defined >> */
			z = x >= 0 ? x >> y : ~(~x >> y);
		} else if (x < 0) {
			return set_error(ev->err, e->offset,
					 "left shift of negative value %lld", x);
		} else {
			overflow = x > (LLONG_MAX >> y);
			z = overflow ? 0 : x << y;
		}
		break;
	case T_LT: z = x < y; break;
	case T_LE: z = x <= y; break;
	case T_GT: z = x > y; break;
	case T_GE: z = x >= y; break;
	case T_EQ: z = x == y; break;
	case T_NE: z = x != y; break;
	case T_BAND: z = x & y; break;
	case T_BXOR: z = x ^ y; break;
	case T_BOR: z = x | y; break;
	default: BUG("bad integer operator %d", (int)e->op);
	}
	if (overflow)
		return set_error(ev->err, e->offset, "integer overflow in '%s'",
				 ops[e->op].s);
	set_int(ret, z);
	return 0;
}

static int double_binary(struct eval *ev, const struct expr *e, double x,
			 double y, struct expr_value *ret)
{
	double z;

	switch (e->op) {
	case T_MUL: z = x * y; break;
	case T_ADD: z = x + y; break;
	case T_SUB: z = x - y; break;
	case T_DIV:
		if (y == 0.0)
			return set_error(ev->err, e->offset, "division by zero");
		z = x / y;
		break;
	case T_LT: set_int(ret, x < y); return 0;
	case T_LE: set_int(ret, x <= y); return 0;
	case T_GT: set_int(ret, x > y); return 0;
	case T_GE: set_int(ret, x >= y); return 0;
	case T_EQ: set_int(ret, x == y); return 0;
	case T_NE: set_int(ret, x != y); return 0;
	default:
		return set_error(ev->err, e->offset,
				 "operands of '%s' must be integers", ops[e->op].s);
	}
	if (!isfinite(z))
		return set_error(ev->err, e->offset, "floating-point overflow in '%s'",
				 ops[e->op].s);
	set_double(ret, z);
	return 0;
}

static int eval_binary(struct eval *ev, const struct expr *e, struct expr_value *ret)
{
	struct expr_value x, y;

	if (eval_node(ev, e->a, &x) < 0)
		return -1;
	if (e->op == T_LAND || e->op == T_LOR) {
		if (truth(&x) == (e->op == T_LOR)) {
			set_int(ret, e->op == T_LOR);
			return 0;
		}
		if (eval_node(ev, e->b, &y) < 0)
			return -1;
		set_int(ret, truth(&y));
		return 0;
	}
	if (eval_node(ev, e->b, &y) < 0)
		return -1;
	if (x.is_integer && y.is_integer)
		return int_binary(ev, e, x.i, y.i, ret);
	return double_binary(ev, e, x.d, y.d, ret);
}

static int eval_node(struct eval *ev, const struct expr *e, struct expr_value *ret)
{
	struct expr_value c;

	switch (e->kind) {
	case N_INT:
	case N_FLOAT:
		*ret = e->val;
		return 0;
	case N_IDENT:
		return eval_ident(ev, e, ret);
	case N_UNARY:
		return eval_unary(ev, e, ret);
	case N_BINARY:
		return eval_binary(ev, e, ret);
	case N_COND:
		if (eval_node(ev, e->a, &c) < 0)
			return -1;
		return eval_node(ev, truth(&c) ? e->b : e->c, ret);
	}
	BUG("bad expression node %d", (int)e->kind);
}

int expr_eval(const struct expr *e, expr_lookup_fn *lookup, void *data,
	      struct expr_value *ret, struct expr_error *err)
{
	struct eval ev = { lookup, data, err };

	return eval_node(&ev, e, ret);
}
