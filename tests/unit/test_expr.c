/* The clause expression engine: parsing, printing, names, evaluation. */
#include "check.h"
#include "expr.h"
#include "strbuf.h"
#include "xalloc.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static struct strbuf result = STRBUF_INIT;

/* Canonical text of `s`, or "error@OFFSET: MSG". */
static const char *canon(const char *s)
{
	struct expr_error err = { 0, NULL };

	strbuf_reset(&result);
	if (expr_canonical(s, strlen(s), &result, &err) < 0) {
		strbuf_reset(&result);
		strbuf_addf(&result, "error@%zu: %s", err.offset, err.msg);
	}
	expr_error_release(&err);
	return result.buf;
}

static const struct { const char *name; struct expr_value v; } vars[] = {
	{ "n", { 1, 100, 100.0 } },
	{ "m", { 1, 7, 7.0 } },
	{ "k", { 1, 3, 3.0 } },
	{ "zero", { 1, 0, 0.0 } },
	{ "big", { 1, LLONG_MAX, (double)LLONG_MAX } },
	{ "x", { 0, 0, 2.5 } },
	{ "bad", { 0, 0, INFINITY } },
	/* is_integer with a stale d: the engine must trust i */
	{ "stale", { 1, 5, 123.0 } },
};

static int lookup(const char *name, struct expr_value *ret, void *data)
{
	size_t i;

	(*(int *)data)++;
	for (i = 0; i < ARRAY_SIZE(vars); i++)
		if (!strcmp(vars[i].name, name)) {
			*ret = vars[i].v;
			return 0;
		}
	return -1;
}

/* "int N", "double D" or "error@OFFSET: MSG" for `s` evaluated over vars. */
static const char *eval(const char *s)
{
	struct expr_error err = { 0, NULL };
	struct expr_value v;
	struct expr *e;
	int calls = 0;

	strbuf_reset(&result);
	if (expr_parse(s, strlen(s), &e, &err) < 0) {
		strbuf_addf(&result, "parse error@%zu: %s", err.offset, err.msg);
	} else if (expr_eval(e, lookup, &calls, &v, &err) < 0) {
		strbuf_addf(&result, "error@%zu: %s", err.offset, err.msg);
	} else if (v.is_integer) {
		strbuf_addf(&result, "int %lld", v.i);
		if (v.d != (double)v.i)
			strbuf_addstr(&result, " (d disagrees)");
	} else {
		strbuf_addf(&result, "double %g", v.d);
	}
	expr_free(e);
	expr_error_release(&err);
	return result.buf;
}

static void test_print(void)
{
	CHECK_STR(canon("n*k"), "n * k");
	CHECK_STR(canon("  n   *\tk  "), "n * k");
	CHECK_STR(canon("(n)*((k))"), "n * k");
	CHECK_STR(canon("a+b*c"), "a + (b * c)");
	CHECK_STR(canon("(a+b)*c"), "(a + b) * c");
	CHECK_STR(canon("a-b-c"), "(a - b) - c");
	CHECK_STR(canon("a-(b-c)"), "a - (b - c)");
	CHECK_STR(canon("a?b:c?d:e"), "a ? b : (c ? d : e)");
	CHECK_STR(canon("(a?b:c)?d:e"), "(a ? b : c) ? d : e");
	CHECK_STR(canon("a||b?c:d"), "(a || b) ? c : d");
	CHECK_STR(canon("- -n"), "-(-n)");
	CHECK_STR(canon("-(-n)"), "-(-n)");
	CHECK_STR(canon("!~+-n"), "!(~(+(-n)))");
	CHECK_STR(canon("-n*k"), "(-n) * k");
	CHECK_STR(canon("a<<b>>c"), "(a << b) >> c");
	CHECK_STR(canon("a<b==c>=d"), "(a < b) == (c >= d)");
	CHECK_STR(canon("a<=b!=c>d"), "(a <= b) != (c > d)");
	CHECK_STR(canon("a&&b||c"), "(a && b) || c");
	CHECK_STR(canon("a||b&&c"), "a || (b && c)");
	CHECK_STR(canon("a|b^c&d"), "a | (b ^ (c & d))");
	CHECK_STR(canon("1+2*3-4/5%6"), "(1 + (2 * 3)) - ((4 / 5) % 6)");
	CHECK_STR(canon("a+b<<c"), "(a + b) << c");
	CHECK_STR(canon("a&b==c"), "a & (b == c)");
	/* literals keep their spelling: 1u and 1 differ in C */
	CHECK_STR(canon("0x1F+1u+2.5f+1e-3+010+.5+5.+0x1p-2+1ULL"),
		  "(((((((0x1F + 1u) + 2.5f) + 1e-3) + 010) + .5) + 5.) + 0x1p-2) + 1ULL");
	/* blanks: comments and line splices */
	CHECK_STR(canon("n /* rows */ * k"), "n * k");
	CHECK_STR(canon("n \\\n * k"), "n * k");
	CHECK_STR(canon("n \\\r\n * k"), "n * k");
	CHECK_STR(canon("n // rows\n * k"), "n * k");
	CHECK_STR(canon("n // rows \\\n still comment\n * k"), "n * k");
	CHECK_STR(canon("n/**/*k"), "n * k");
}

static void test_roundtrip(void)
{
	static const char *const cases[] = {
		"a+b*c-d/e%f", "a?b?c:d:e?f:g", "-(-(-n))", "!a&&~b||c^d|e&f",
		"(n<<2)>>1<n", "1e-3*x+0x10", "n%16==0&&m>=1", "((((n))))",
	};
	struct strbuf once = STRBUF_INIT;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		strbuf_reset(&once);
		strbuf_addstr(&once, canon(cases[i]));
		CHECK(strncmp(once.buf, "error", 5) != 0);
		CHECK_STR(canon(once.buf), once.buf);
	}
	strbuf_release(&once);
}

static void test_parse_errors(void)
{
	CHECK_STR(canon(""), "error@0: expected an expression");
	CHECK_STR(canon("   "), "error@3: expected an expression");
	CHECK_STR(canon("n*"), "error@2: expected an expression");
	CHECK_STR(canon("n k"), "error@2: expected an operator before 'k'");
	CHECK_STR(canon("(n"), "error@2: expected ')'");
	CHECK_STR(canon("(n ]"), "error@3: expected ')' before ']'");
	CHECK_STR(canon("n)"), "error@1: expected an operator before ')'");
	CHECK_STR(canon("a ? b"), "error@5: expected ':'");
	CHECK_STR(canon("a ? b , c"), "error@6: expected ':' before ','");
	CHECK_STR(canon("n = 1"), "error@2: expected an operator before '='");
	CHECK_STR(canon("n++"), "error@1: expected an operator before '++'");
	CHECK_STR(canon("n++k"), "error@1: expected an operator before '++'");
	CHECK_STR(canon("n += 1"), "error@2: expected an operator before '+='");
	CHECK_STR(canon("n <<= 1"), "error@2: expected an operator before '<<='");
	CHECK_STR(canon("p->x"), "error@1: expected an operator before '->'");
	CHECK_STR(canon("f(n)"), "error@1: expected an operator before '('");
	CHECK_STR(canon("n, m"), "error@1: expected an operator before ','");
	CHECK_STR(canon("a[1]"), "error@1: expected an operator before '['");
	CHECK_STR(canon("@"), "error@0: expected an expression before '@'");
	CHECK_STR(canon("1 + \"s\""), "error@4: expected an expression before '\"'");
	CHECK_STR(canon("n + \xc3\xa9"), "error@4: expected an expression before '\\xc3'");
	CHECK_STR(canon("*n"), "error@0: expected an expression before '*'");
	CHECK_STR(canon("08"), "error@1: invalid digit '8' in octal literal");
	CHECK_STR(canon("n + 019"), "error@6: invalid digit '9' in octal literal");
	CHECK_STR(canon("12x"), "error@2: invalid suffix 'x' on integer literal");
	CHECK_STR(canon("1uu"), "error@1: invalid suffix 'uu' on integer literal");
	CHECK_STR(canon("1lL"), "error@1: invalid suffix 'lL' on integer literal");
	CHECK_STR(canon("1f"), "error@1: invalid suffix 'f' on integer literal");
	CHECK_STR(canon("1.5q"), "error@3: invalid suffix 'q' on floating literal");
	CHECK_STR(canon("1.5ff"), "error@3: invalid suffix 'ff' on floating literal");
	CHECK_STR(canon("1e"), "error@1: invalid suffix 'e' on floating literal");
	CHECK_STR(canon("1.2.3"), "error@3: invalid suffix '.3' on floating literal");
	CHECK_STR(canon("0x"), "error@0: invalid hexadecimal literal '0x'");
	CHECK_STR(canon("0x1.8"), "error@0: hexadecimal floating literal '0x1.8' has no exponent");
	CHECK_STR(canon("1e999"), "error@0: floating literal '1e999' is out of range");
	CHECK_STR(canon("n+99999999999999999999"),
		  "error@2: integer literal '99999999999999999999' is too large");
	CHECK_STR(canon("9223372036854775808"),
		  "error@0: integer literal '9223372036854775808' is too large");
	CHECK_STR(canon("n /* x"), "error@2: unterminated comment");
	CHECK_STR(canon("n + /* x"), "error@4: unterminated comment");
	/* valid suffixes */
	CHECK_STR(canon("1ul+1LU+1llu+1ULL+1l+0xffu+1.0L+1.0F"),
		  "((((((1ul + 1LU) + 1llu) + 1ULL) + 1l) + 0xffu) + 1.0L) + 1.0F");
	CHECK_STR(canon("9223372036854775807"), "9223372036854775807");
}

static void test_limits(void)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	/* a tree EXPR_MAX_DEPTH deep is fine, one more level is not */
	for (i = 1; i < EXPR_MAX_DEPTH; i++)
		strbuf_addstr(&sb, "- ");
	strbuf_addch(&sb, '1');
	CHECK(strncmp(canon(sb.buf), "error", 5) != 0);
	strbuf_reset(&sb);
	for (i = 0; i < EXPR_MAX_DEPTH; i++)
		strbuf_addstr(&sb, "- ");
	strbuf_addch(&sb, '1');
	CHECK_STR(canon(sb.buf), "error@0: expression nested too deeply");

	strbuf_reset(&sb);
	strbuf_addch(&sb, 'n');
	for (i = 1; i < EXPR_MAX_DEPTH; i++)
		strbuf_addstr(&sb, "+n");
	CHECK(strncmp(canon(sb.buf), "error", 5) != 0);
	strbuf_addstr(&sb, "+n");
	CHECK_STR(canon(sb.buf), "error@127: expression nested too deeply");

	/* parentheses alone cannot recurse without bound */
	strbuf_reset(&sb);
	strbuf_addchars(&sb, '(', 100000);
	CHECK(strstr(canon(sb.buf), "nested too deeply") != NULL);
	strbuf_reset(&sb);
	strbuf_addchars(&sb, '(', 100);
	strbuf_addch(&sb, 'n');
	strbuf_addchars(&sb, ')', 100);
	CHECK_STR(canon(sb.buf), "n");
	strbuf_reset(&sb);
	for (i = 0; i < 100000; i++)
		strbuf_addstr(&sb, "a?");
	CHECK(strstr(canon(sb.buf), "nested too deeply") != NULL);

	/* length */
	strbuf_reset(&sb);
	strbuf_addch(&sb, 'n');
	strbuf_addchars(&sb, ' ', EXPR_MAX_LEN - 3);
	strbuf_addstr(&sb, "+1");
	CHECK_STR(canon(sb.buf), "n + 1");
	strbuf_reset(&sb);
	strbuf_addch(&sb, 'n');
	strbuf_addchars(&sb, ' ', EXPR_MAX_LEN - 2);
	strbuf_addstr(&sb, "+1");
	CHECK_STR(canon(sb.buf), "error@4096: expression is too long");
	strbuf_reset(&sb);
	strbuf_addchars(&sb, 'q', EXPR_MAX_LEN + 1);
	CHECK_STR(canon(sb.buf), "error@0: expression is too long");
	/* short enough as written (4091 bytes), too long as printed (4101) */
	strbuf_reset(&sb);
	for (i = 0; i < 4; i++) {
		if (i)
			strbuf_addch(&sb, '+');
		strbuf_addchars(&sb, 'a' + i, 1022);
	}
	CHECK_STR(canon(sb.buf), "error@3068: expression is too long");
	strbuf_setlen(&sb, sb.len - 5); /* exactly EXPR_MAX_LEN printed: fine */
	CHECK_INT(strlen(canon(sb.buf)), EXPR_MAX_LEN);
	strbuf_addch(&sb, 'd');
	CHECK_STR(canon(sb.buf), "error@3068: expression is too long");
	strbuf_release(&sb);
}

static void test_idents(void)
{
	struct expr_ident *ids;
	struct expr *e;
	const char *s = "n*k + (n ? m_2 : 3)";
	size_t nr;

	CHECK_INT(expr_parse(s, strlen(s), &e, NULL), 0);
	nr = expr_idents(e, &ids);
	CHECK_INT(nr, 4);
	if (nr == 4) {
		CHECK_STR(ids[0].name, "n");
		CHECK_INT(ids[0].offset, 0);
		CHECK_STR(ids[1].name, "k");
		CHECK_INT(ids[1].offset, 2);
		CHECK_STR(ids[2].name, "n");
		CHECK_INT(ids[2].offset, 7);
		CHECK_STR(ids[3].name, "m_2");
		CHECK_INT(ids[3].offset, 11);
	}
	free(ids);
	expr_free(e);

	CHECK_INT(expr_parse("1+2", 3, &e, NULL), 0);
	CHECK_INT(expr_idents(e, &ids), 0);
	CHECK(ids == NULL);
	expr_free(e);
	expr_free(NULL);
}

static void test_prefix(void)
{
	struct expr_error err = { 0, NULL };
	struct expr *e = NULL;
	size_t used = 99;

	CHECK_INT(expr_parse_prefix("n*k] rest", 9, &e, &used, &err), 0);
	CHECK_INT(used, 3);
	expr_free(e);
	CHECK_INT(expr_parse_prefix("  n * k  ]", 10, &e, &used, &err), 0);
	CHECK_INT(used, 7);
	expr_free(e);
	CHECK_INT(expr_parse_prefix("n k", 3, &e, &used, &err), 0);
	CHECK_INT(used, 1);
	expr_free(e);
	/* what follows is not looked at: a bad literal there is not an error */
	CHECK_INT(expr_parse_prefix("n, 08x", 6, &e, &used, &err), 0);
	CHECK_INT(used, 1);
	expr_free(e);
	CHECK_INT(expr_parse_prefix("n) /* open", 10, &e, &used, &err), 0);
	CHECK_INT(used, 1);
	expr_free(e);
	CHECK_INT(expr_parse_prefix(" ]", 2, &e, &used, &err), -1);
	CHECK(e == NULL);
	CHECK_INT(err.offset, 1);
	CHECK_STR(err.msg, "expected an expression before ']'");
	/* an error already there is kept */
	CHECK_INT(expr_parse("(", 1, &e, &err), -1);
	CHECK_STR(err.msg, "expected an expression before ']'");
	expr_error_release(&err);
	CHECK(err.msg == NULL);
	CHECK_INT(err.offset, 0);
	expr_error_release(NULL);
}

static void test_eval(void)
{
	CHECK_STR(eval("n*k"), "int 300");
	CHECK_STR(eval("n*k + m"), "int 307");
	CHECK_STR(eval("7/2"), "int 3");
	CHECK_STR(eval("-7/2"), "int -3");
	CHECK_STR(eval("-7%2"), "int -1");
	CHECK_STR(eval("7%-2"), "int 1");
	CHECK_STR(eval("7.0/2"), "double 3.5");
	CHECK_STR(eval("1/2.0"), "double 0.5");
	CHECK_STR(eval("n + x"), "double 102.5");
	CHECK_STR(eval("2.0*n*m*k"), "double 4200");
	CHECK_STR(eval("n % 16 == 0 && m >= 1"), "int 0");
	CHECK_STR(eval("n % 4 == 0 && m >= 1"), "int 1");
	CHECK_STR(eval("0x10 + 010 + 0"), "int 24");
	CHECK_STR(eval("1e3"), "double 1000");
	CHECK_STR(eval("0x1p4"), "double 16");
	CHECK_STR(eval(".5 + 5."), "double 5.5");
	CHECK_STR(eval("1u + 1"), "int 2");
	CHECK_STR(eval("2.5f"), "double 2.5");
	CHECK_STR(eval("stale * 2"), "int 10");
	CHECK_STR(eval("big"), "int 9223372036854775807");
	/* comparisons and logic give int 0/1 */
	CHECK_STR(eval("2 < 3"), "int 1");
	CHECK_STR(eval("2.5 >= 3"), "int 0");
	CHECK_STR(eval("x > 2"), "int 1");
	CHECK_STR(eval("x <= 2.5"), "int 1");
	CHECK_STR(eval("n == 100"), "int 1");
	CHECK_STR(eval("n != 100"), "int 0");
	CHECK_STR(eval("n == 100.0"), "int 1");
	CHECK_STR(eval("!x"), "int 0");
	CHECK_STR(eval("!zero"), "int 1");
	CHECK_STR(eval("-x"), "double -2.5");
	CHECK_STR(eval("+n"), "int 100");
	CHECK_STR(eval("~0"), "int -1");
	CHECK_STR(eval("6 & 3 | 8 ^ 1"), "int 11");
	CHECK_STR(eval("x && 2"), "int 1");
	CHECK_STR(eval("0.0 || zero"), "int 0");
	/* shifts */
	CHECK_STR(eval("1<<62"), "int 4611686018427387904");
	CHECK_STR(eval("-8>>1"), "int -4");
	CHECK_STR(eval("-1>>63"), "int -1");
	CHECK_STR(eval("big>>62"), "int 1");
	/* short-circuit and ?: evaluate only what they need */
	CHECK_STR(eval("0 && 1/0"), "int 0");
	CHECK_STR(eval("1 || 1/0"), "int 1");
	CHECK_STR(eval("zero ? 1/zero : 5"), "int 5");
	CHECK_STR(eval("n ? 1 : 2.0"), "int 1");
	CHECK_STR(eval("zero ? 1 : 2.0"), "double 2");
	CHECK_STR(eval("0 && q"), "int 0");
}

static void test_eval_errors(void)
{
	CHECK_STR(eval("1/0"), "error@1: division by zero");
	CHECK_STR(eval("n % zero"), "error@2: division by zero");
	CHECK_STR(eval("1.0/0"), "error@3: division by zero");
	CHECK_STR(eval("x/zero"), "error@1: division by zero");
	CHECK_STR(eval("1 && 1/0"), "error@6: division by zero");
	CHECK_STR(eval("big+1"), "error@3: integer overflow in '+'");
	CHECK_STR(eval("big*2"), "error@3: integer overflow in '*'");
	CHECK_STR(eval("-big-2"), "error@4: integer overflow in '-'");
	CHECK_STR(eval("(-big-1)/-1"), "error@8: integer overflow in '/'");
	CHECK_STR(eval("(-big-1)%-1"), "error@8: integer overflow in '%'");
	CHECK_STR(eval("-(-big-1)"), "error@0: integer overflow in '-'");
	CHECK_STR(eval("1<<63"), "error@1: integer overflow in '<<'");
	CHECK_STR(eval("3<<62"), "error@1: integer overflow in '<<'");
	CHECK_STR(eval("1<<64"), "error@1: shift count 64 is out of range");
	CHECK_STR(eval("1>>-1"), "error@1: shift count -1 is out of range");
	CHECK_STR(eval("-1<<1"), "error@2: left shift of negative value -1");
	CHECK_STR(eval("1.0<<1"), "error@3: operands of '<<' must be integers");
	CHECK_STR(eval("x % 2"), "error@2: operands of '%' must be integers");
	CHECK_STR(eval("x & 1"), "error@2: operands of '&' must be integers");
	CHECK_STR(eval("1 | x"), "error@2: operands of '|' must be integers");
	CHECK_STR(eval("1 ^ x"), "error@2: operands of '^' must be integers");
	CHECK_STR(eval("1 >> x"), "error@2: operands of '>>' must be integers");
	CHECK_STR(eval("~x"), "error@0: operand of '~' must be an integer");
	CHECK_STR(eval("1e308*10"), "error@5: floating-point overflow in '*'");
	CHECK_STR(eval("-1e308-1e308"), "error@6: floating-point overflow in '-'");
	CHECK_STR(eval("1e308+1e308"), "error@5: floating-point overflow in '+'");
	CHECK_STR(eval("1e308/1e-308"), "error@5: floating-point overflow in '/'");
	CHECK_STR(eval("n + q"), "error@4: 'q' has no value");
	CHECK_STR(eval("bad + 1"), "error@0: 'bad' is not a finite number");
}

static void test_eval_no_lookup(void)
{
	struct expr_error err = { 0, NULL };
	struct expr_value v = { 0, 0, 0 };
	struct expr *e;

	CHECK_INT(expr_parse("1+2*3", 5, &e, &err), 0);
	CHECK_INT(expr_eval(e, NULL, NULL, &v, &err), 0);
	CHECK_INT(v.is_integer, 1);
	CHECK_INT(v.i, 7);
	expr_free(e);
	CHECK_INT(expr_parse("1+n", 3, &e, &err), 0);
	CHECK_INT(expr_eval(e, NULL, NULL, &v, &err), -1);
	CHECK_INT(err.offset, 2);
	CHECK_STR(err.msg, "'n' has no value");
	expr_error_release(&err);
	expr_free(e);
	/* a NULL error is fine */
	CHECK_INT(expr_parse("1/0", 3, &e, NULL), 0);
	CHECK_INT(expr_eval(e, NULL, NULL, &v, NULL), -1);
	expr_free(e);
	CHECK_INT(expr_parse("1/", 2, &e, NULL), -1);
}

static void test_scan_number(void)
{
	struct expr_error err = { 0, NULL };
	struct expr_value v;
	size_t used = 0;

	CHECK_INT(expr_scan_number("512, m", 7, &used, &v, &err), 0);
	CHECK_INT(used, 3);
	CHECK_INT(v.is_integer, 1);
	CHECK_INT(v.i, 512);
	CHECK_INT(expr_scan_number("1.5e+3)", 7, &used, &v, &err), 0);
	CHECK_INT(used, 6);
	CHECK_INT(v.is_integer, 0);
	CHECK(v.d == 1500.0);
	CHECK_INT(expr_scan_number("0x1e+5", 6, &used, &v, &err), -1); /* C's famous pp-number */
	CHECK_INT(err.offset, 4);
	CHECK_STR(err.msg, "invalid suffix '+5' on integer literal");
	expr_error_release(&err);
	CHECK_INT(expr_scan_number("-5", 2, &used, &v, &err), -1);
	CHECK_INT(err.offset, 0);
	CHECK_STR(err.msg, "expected a number");
	expr_error_release(&err);
	CHECK_INT(expr_scan_number("5", 0, &used, &v, NULL), -1);
}

static void test_skip_blank(void)
{
	size_t pos = 0;

	CHECK_INT(expr_skip_blank(" \t/* a */ // b\n x", 17, &pos), 0);
	CHECK_INT(pos, 16);
	pos = 0;
	CHECK_INT(expr_skip_blank("  /* open", 9, &pos), -1);
	CHECK_INT(pos, 2);
	pos = 0;
	CHECK_INT(expr_skip_blank("// all comment", 14, &pos), 0);
	CHECK_INT(pos, 14);
	pos = 1;
	CHECK_INT(expr_skip_blank("x/", 2, &pos), 0);
	CHECK_INT(pos, 1);
}

int main(void)
{
	test_print();
	test_roundtrip();
	test_parse_errors();
	test_limits();
	test_idents();
	test_prefix();
	test_eval();
	test_eval_errors();
	test_eval_no_lookup();
	test_scan_number();
	test_skip_blank();
	strbuf_release(&result);
	return check_done();
}
