/* The `#pragma autocomp` clause language: parsing, checking, canonical text. */
#include "check.h"
#include "pragma.h"
#include "strbuf.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static const char *const targets[] = { "host", "cuda", NULL };

/* void sgemm(int n, int m, int k, const float *a, const float *b, float *c) */
static const struct kparam sgemm[] = {
	{ "n", "int", "int", KS_INT, 4, 0, 0 },
	{ "m", "int", "int", KS_INT, 4, 0, 0 },
	{ "k", "int", "int", KS_INT, 4, 0, 0 },
	{ "a", "const float *restrict", "float", KS_FLOAT, 4, 1, 1 },
	{ "b", "const float *restrict", "float", KS_FLOAT, 4, 1, 1 },
	{ "c", "float *restrict", "float", KS_FLOAT, 4, 1, 0 },
};

static struct strbuf result = STRBUF_INIT;

/* "ok" or "OFFSET: MSG" for parsing `text`. */
static const char *parse_err(const char *text)
{
	struct pragma p;
	struct pragma_error err = { 7, NULL };

	strbuf_reset(&result);
	if (!pragma_parse(text, strlen(text), &p, &err)) {
		strbuf_addstr(&result, "ok");
		CHECK(err.msg == NULL);
	} else {
		strbuf_addf(&result, "%zu: %s", err.offset, err.msg);
		/* a failed parse leaves nothing behind */
		CHECK(p.target == NULL && p.nr_bufs == 0 && p.bufs == NULL);
	}
	pragma_release(&p);
	pragma_error_release(&err);
	return result.buf;
}

/* "ok" or "OFFSET: MSG" for parsing and checking `text` against params. */
static const char *check_with(const char *text, const struct kparam *params,
			      size_t nr)
{
	struct pragma p;
	struct pragma_error err = { 0, NULL };

	strbuf_reset(&result);
	if (pragma_parse(text, strlen(text), &p, &err) < 0)
		strbuf_addf(&result, "parse %zu: %s", err.offset, err.msg);
	else if (pragma_check(&p, params, nr, targets, &err) < 0)
		strbuf_addf(&result, "%zu: %s", err.offset, err.msg);
	else
		strbuf_addstr(&result, "ok");
	pragma_release(&p);
	pragma_error_release(&err);
	return result.buf;
}

#define check_sgemm(text) check_with(text, sgemm, ARRAY_SIZE(sgemm))

/* Canonical text of `text`, which must parse. */
static const char *canon(const char *text)
{
	struct pragma p;
	char *s;

	strbuf_reset(&result);
	if (pragma_parse(text, strlen(text), &p, NULL) < 0)
		return "parse error";
	s = pragma_canonical(&p);
	strbuf_addstr(&result, s);
	free(s);
	pragma_release(&p);
	return result.buf;
}

static const char sgemm_text[] =
	" target(host) in(a[n*k], b[k*m]) out(c[n*m]) \\\n"
	"                 args(n=512, m=512, k=512) tol(1e-4)";

static void test_sgemm(void)
{
	struct pragma p;
	struct pragma_error err = { 0, NULL };

	CHECK_INT(pragma_parse(sgemm_text, strlen(sgemm_text), &p, &err), 0);
	CHECK_STR(p.target, "host");
	CHECK_INT(p.nr_bufs, 3);
	if (p.nr_bufs == 3) {
		CHECK_STR(p.bufs[0].name, "a");
		CHECK_INT(p.bufs[0].dir, BUF_IN);
		CHECK_STR(p.bufs[0].extent, "n*k");
		CHECK_INT(p.bufs[0].offset, 17);
		CHECK_STR(p.bufs[1].name, "b");
		CHECK_INT(p.bufs[1].dir, BUF_IN);
		CHECK_STR(p.bufs[1].extent, "k*m");
		CHECK_INT(p.bufs[1].offset, 25);
		CHECK_STR(p.bufs[2].name, "c");
		CHECK_INT(p.bufs[2].dir, BUF_OUT);
		CHECK_STR(p.bufs[2].extent, "n*m");
	}
	CHECK_INT(p.nr_shapes, 1);
	if (p.nr_shapes == 1) {
		CHECK_INT(p.shapes[0].offset, 64);
		CHECK_INT(p.shapes[0].nr, 3);
		CHECK_STR(p.shapes[0].binds[0].name, "n");
		CHECK_STR(p.shapes[0].binds[0].value, "512");
		CHECK_INT(p.shapes[0].binds[0].offset, 69);
		CHECK_STR(p.shapes[0].binds[2].name, "k");
	}
	CHECK_INT(p.has_tol, 1);
	CHECK(p.rtol == 1e-4 && p.atol == 0); /* tol(x): absolute part scaled by the judge */
	CHECK_INT(p.nr_assumes + p.nr_inits + p.nr_hints, 0);
	CHECK(p.flops.text == NULL && p.bytes.text == NULL);
	CHECK_INT(p.budget_beam + p.budget_iterations + p.budget_plans + p.budget_samples, 0);
	CHECK_INT(p.allow, 0);
	CHECK_INT(pragma_check(&p, sgemm, ARRAY_SIZE(sgemm), targets, &err), 0);
	CHECK(err.msg == NULL);
	pragma_release(&p);
	CHECK(p.target == NULL && p.bufs == NULL && p.shapes == NULL);
	pragma_release(&p); /* twice is fine */
}

static void test_clauses(void)
{
	static const char text[] =
		"target(cuda) inout(c[n]) in(a[ n + 1 ]) "
		"args(n=-1.5e3, m=+7) args(n=0x10) "
		"assume(n % 16 == 0) assume( m>=1 ) tol(1e-3, 0) "
		"init(a: uniform(-1, 1), b : normal(0,2)) init(i: range(0, n)) init(s: const(3)) "
		"flops(2.0*n) bytes(4*n) budget(beam=2, iterations=3, plans=4, samples=5) "
		"hint(\"tile \\\"it\\\"\\n\" \" please\\t\\x41\\101\\u00e9\") hint(\"second\") "
		"allow(syscall, fast_math, nondeterministic, optimize, asm)";
	struct pragma p;
	struct pragma_error err = { 0, NULL };

	CHECK_INT(pragma_parse(text, strlen(text), &p, &err), 0);
	CHECK(err.msg == NULL);
	CHECK_STR(p.target, "cuda");
	CHECK_INT(p.nr_bufs, 2);
	CHECK_INT(p.bufs[0].dir, BUF_INOUT);
	CHECK_STR(p.bufs[1].extent, "n + 1");
	CHECK_INT(p.nr_shapes, 2);
	CHECK_STR(p.shapes[0].binds[0].value, "-1.5e3");
	CHECK_STR(p.shapes[0].binds[1].value, "7");
	CHECK_STR(p.shapes[1].binds[0].value, "0x10");
	CHECK_INT(p.shapes[1].offset, 61);
	CHECK_INT(p.nr_assumes, 2);
	CHECK_STR(p.assumes[0].text, "n % 16 == 0");
	CHECK_INT(p.assumes[0].offset, 81);
	CHECK_STR(p.assumes[1].text, "m>=1");
	CHECK_INT(p.assumes[1].offset, 102);
	CHECK(p.has_tol && p.rtol == 1e-3 && p.atol == 0.0);
	CHECK_INT(p.nr_inits, 4);
	CHECK_STR(p.inits[0].name, "a");
	CHECK_INT(p.inits[0].dist, DIST_UNIFORM);
	CHECK_STR(p.inits[0].a, "-1");
	CHECK_STR(p.inits[0].b, "1");
	CHECK_INT(p.inits[1].dist, DIST_NORMAL);
	CHECK_STR(p.inits[1].name, "b");
	CHECK_INT(p.inits[2].dist, DIST_RANGE);
	CHECK_STR(p.inits[2].b, "n");
	CHECK_INT(p.inits[3].dist, DIST_CONST);
	CHECK_STR(p.inits[3].a, "3");
	CHECK(p.inits[3].b == NULL);
	CHECK_STR(p.flops.text, "2.0*n");
	CHECK_STR(p.bytes.text, "4*n");
	CHECK_INT(p.bytes.offset, strstr(text, "4*n") - text);
	CHECK_INT(p.budget_beam, 2);
	CHECK_INT(p.budget_iterations, 3);
	CHECK_INT(p.budget_plans, 4);
	CHECK_INT(p.budget_samples, 5);
	CHECK_INT(p.nr_hints, 2);
	CHECK_STR(p.hints[0], "tile \"it\"\n please\tAA\xc3\xa9");
	CHECK_STR(p.hints[1], "second");
	CHECK_INT(p.allow, ALLOW_FAST_MATH | ALLOW_OPTIMIZE | ALLOW_SYSCALL |
		  ALLOW_NONDETERMINISTIC | ALLOW_ASM);
	pragma_release(&p);

	/* blanks anywhere between tokens, comments and splices included */
	CHECK_STR(parse_err("  target ( host )in(a [n])/* c */out( c[n] , d [ 1 ] )\\\n"
			    "tol ( 1 ) hint ( \"x\" \\\n \"y\" ) // end"), "ok");
	CHECK_STR(parse_err(""), "ok");
	CHECK_STR(parse_err(" \t\n"), "ok");
	CHECK_STR(parse_err("tol(0x10)"), "ok");
	CHECK_STR(parse_err("hint(\"\")"), "ok");
	CHECK_STR(parse_err("hint(\"\\a\\b\\f\\v\\r\\'\\?\\\\\\0x\")"),
		  "22: hint contains a NUL character");
}

static void test_parse_errors(void)
{
	CHECK_STR(parse_err("foo(1)"), "0: unknown clause 'foo'");
	CHECK_STR(parse_err("target(host) Target(host)"), "13: unknown clause 'Target'");
	CHECK_STR(parse_err("IN(a[n])"), "0: unknown clause 'IN'");
	CHECK_STR(parse_err("in a[n]"), "3: expected '(' after 'in'");
	CHECK_STR(parse_err("in"), "2: expected '(' after 'in'");
	CHECK_STR(parse_err("target(host) target(cuda)"), "13: clause 'target' given twice");
	CHECK_STR(parse_err("tol(1) tol(2)"), "7: clause 'tol' given twice");
	CHECK_STR(parse_err("flops(n) flops(n)"), "9: clause 'flops' given twice");
	CHECK_STR(parse_err("bytes(n) bytes(n)"), "9: clause 'bytes' given twice");
	CHECK_STR(parse_err("budget(beam=1) budget(plans=1)"), "15: clause 'budget' given twice");
	CHECK_STR(parse_err("allow(syscall) allow(optimize)"), "15: clause 'allow' given twice");
	CHECK_STR(parse_err(", in(a[n])"), "0: expected a clause name");
	CHECK_STR(parse_err("in(a[n]), out(c[n])"), "8: expected a clause name");
	CHECK_STR(parse_err("(a)"), "0: expected a clause name");
	CHECK_STR(parse_err("target()"), "7: expected a target name");
	CHECK_STR(parse_err("target(host, cuda)"), "11: expected ')'");
	CHECK_STR(parse_err("target(host"), "11: expected ')'");
	CHECK_STR(parse_err("target(cuda) memory(shared)"), "20: unknown memory 'shared' (host or device)");
	CHECK_STR(parse_err("memory()"), "7: expected 'host' or 'device'");
	CHECK_STR(parse_err("memory(host) memory(device)"), "13: clause 'memory' given twice");
	CHECK_STR(parse_err("allow(tf32, tf32)"), "12: allow word 'tf32' given twice");
	CHECK_STR(parse_err("in()"), "3: expected a buffer name");
	CHECK_STR(parse_err("in(a)"), "4: expected '[' after 'a'");
	CHECK_STR(parse_err("in(a[])"), "5: expected an expression before ']'");
	CHECK_STR(parse_err("in(a[n k])"), "7: expected ']'");
	CHECK_STR(parse_err("in(a[n*])"), "7: expected an expression before ']'");
	CHECK_STR(parse_err("in(a[n] b[n])"), "8: expected ',' or ')'");
	CHECK_STR(parse_err("in(a[n],)"), "8: expected a buffer name");
	CHECK_STR(parse_err("in(a[n]"), "7: expected ',' or ')'");
	CHECK_STR(parse_err("in(a[08])"), "6: invalid digit '8' in octal literal");
	CHECK_STR(parse_err("args()"), "5: expected a parameter name");
	CHECK_STR(parse_err("args(n)"), "6: expected '=' after 'n'");
	CHECK_STR(parse_err("args(n=)"), "7: expected a number");
	CHECK_STR(parse_err("args(n=k)"), "7: expected a number");
	CHECK_STR(parse_err("args(n=2*k)"), "8: expected ',' or ')'");
	CHECK_STR(parse_err("args(n=- x)"), "9: expected a number");
	CHECK_STR(parse_err("args(n=5x)"), "8: invalid suffix 'x' on integer literal");
	CHECK_STR(parse_err("args(n=1e999)"), "7: floating literal '1e999' is out of range");
	CHECK_STR(parse_err("assume()"), "7: expected an expression before ')'");
	CHECK_STR(parse_err("assume(n, m)"), "8: expected ')'");
	CHECK_STR(parse_err("assume(n = 1)"), "9: expected ')'");
	CHECK_STR(parse_err("flops(n"), "7: expected ')'");
	CHECK_STR(parse_err("tol()"), "4: tol needs 1 or 2 numbers");
	CHECK_STR(parse_err("tol( )"), "5: tol needs 1 or 2 numbers");
	CHECK_STR(parse_err("tol(1,2,3)"), "8: tol needs 1 or 2 numbers");
	CHECK_STR(parse_err("tol(1, 2, 3)"), "10: tol needs 1 or 2 numbers");
	CHECK_STR(parse_err("tol(1,)"), "6: expected a number");
	CHECK_STR(parse_err("tol(x)"), "4: expected a number");
	CHECK_STR(parse_err("tol(-1e-3)"), "4: tol must not be negative");
	CHECK_STR(parse_err("tol(1e-3, -1)"), "10: tol must not be negative");
	CHECK_STR(parse_err("init()"), "5: expected a parameter name");
	CHECK_STR(parse_err("init(a uniform(0,1))"), "7: expected ':' after 'a'");
	CHECK_STR(parse_err("init(a: )"), "8: expected a distribution");
	CHECK_STR(parse_err("init(a: foo(1))"), "8: unknown distribution 'foo'");
	CHECK_STR(parse_err("init(a: Uniform(0, 1))"), "8: unknown distribution 'Uniform'");
	CHECK_STR(parse_err("init(a: uniform)"), "15: expected '(' after 'uniform'");
	CHECK_STR(parse_err("init(a: uniform(1))"), "17: 'uniform' needs 2 arguments");
	CHECK_STR(parse_err("init(a: normal(1, 2, 3))"), "19: 'normal' needs 2 arguments");
	CHECK_STR(parse_err("init(a: const(1, 2))"), "15: 'const' needs 1 argument");
	CHECK_STR(parse_err("init(a: range())"), "14: expected an expression before ')'");
	CHECK_STR(parse_err("init(a: range(0, n) b: const(1))"), "20: expected ',' or ')'");
	CHECK_STR(parse_err("budget()"), "7: expected a budget key");
	CHECK_STR(parse_err("budget(x=1)"), "7: unknown budget key 'x'");
	CHECK_STR(parse_err("budget(Beam=1)"), "7: unknown budget key 'Beam'");
	CHECK_STR(parse_err("budget(beam=1, beam=2)"), "15: budget key 'beam' given twice");
	CHECK_STR(parse_err("budget(beam)"), "11: expected '=' after 'beam'");
	CHECK_STR(parse_err("budget(beam=0)"), "12: budget 'beam' needs a positive integer");
	CHECK_STR(parse_err("budget(plans=-2)"), "13: budget 'plans' needs a positive integer");
	CHECK_STR(parse_err("budget(samples=1.5)"), "15: budget 'samples' needs a positive integer");
	CHECK_STR(parse_err("hint()"), "5: expected a string");
	CHECK_STR(parse_err("hint(tile)"), "5: expected a string");
	CHECK_STR(parse_err("hint(\"abc"), "5: unterminated string in hint");
	CHECK_STR(parse_err("hint(\"abc\\\")"), "5: unterminated string in hint");
	CHECK_STR(parse_err("hint(\"ab\nc\")"), "5: unterminated string in hint");
	CHECK_STR(parse_err("hint(\"x\" \"abc)"), "9: unterminated string in hint");
	CHECK_STR(parse_err("hint(\"a\\qb\")"), "7: unknown escape sequence '\\q' in hint");
	CHECK_STR(parse_err("hint(\"a\\x\")"), "7: escape '\\x' has no hex digits in hint");
	CHECK_STR(parse_err("hint(\"a\\x100\")"), "7: escape sequence out of range in hint");
	CHECK_STR(parse_err("hint(\"a\\777\")"), "7: escape sequence out of range in hint");
	CHECK_STR(parse_err("hint(\"a\\x00\")"), "7: hint contains a NUL character");
	CHECK_STR(parse_err("hint(\"a\\ud800\")"), "7: invalid universal character name in hint");
	CHECK_STR(parse_err("hint(\"a\\u12\")"), "7: invalid universal character name in hint");
	CHECK_STR(parse_err("hint(\"a\" x)"), "9: expected ')'");
	CHECK_STR(parse_err("allow()"), "6: expected an allow word");
	CHECK_STR(parse_err("allow(fast_math, turbo)"), "17: unknown allow word 'turbo'");
	CHECK_STR(parse_err("allow(syscall, syscall)"), "15: allow word 'syscall' given twice");
	CHECK_STR(parse_err("target(host) /* open"), "13: unterminated comment");
	{
		/* a NUL byte anywhere, even in a comment inside an extent (the
		 * extent is kept as a C string and would be cut short) */
		static const char nul[] = "in(a[n /* \0 */ * k])";
		static const char nul_hint[] = "hint(\"a\0b\")";
		struct pragma p;
		struct pragma_error err = { 0, NULL };

		CHECK_INT(pragma_parse(nul, sizeof(nul) - 1, &p, &err), -1);
		CHECK_INT(err.offset, 10);
		CHECK_STR(err.msg, "pragma text contains a NUL byte");
		pragma_error_release(&err);
		CHECK_INT(pragma_parse(nul_hint, sizeof(nul_hint) - 1, &p, &err), -1);
		CHECK_INT(err.offset, 7);
		CHECK_STR(err.msg, "pragma text contains a NUL byte");
		pragma_error_release(&err);
	}
	CHECK_STR(parse_err("in(a[n /* open"), "7: unterminated comment");
	{
		size_t big = 70000;
		char *s = xmalloc(big + 1);
		memset(s, ' ', big);
		s[big] = '\0';
		CHECK_STR(parse_err(s), "65536: pragma text is too long");
		free(s);
	}
}

static void test_check(void)
{
	static const struct kparam unnamed[] = {
		{ "n", "int", "int", KS_INT, 4, 0, 0 },
		{ NULL, "int", "int", KS_INT, 4, 0, 0 },
	};
	static const struct kparam odd[] = {
		{ "n", "int", "int", KS_INT, 4, 0, 0 },
		{ "s", "struct S", "struct S", KS_OTHER, 16, 0, 0 },
	};
	static const struct kparam types[] = {
		{ "c", "signed char", "signed char", KS_INT, 1, 0, 0 },
		{ "u", "unsigned short", "unsigned short", KS_UINT, 2, 0, 0 },
		{ "f", "float", "float", KS_FLOAT, 4, 0, 0 },
		{ "d", "double", "double", KS_DOUBLE, 8, 0, 0 },
		{ "t", "_Bool", "_Bool", KS_BOOL, 1, 0, 0 },
		{ "x", "float *", "float", KS_FLOAT, 4, 1, 0 },
	};
	static const struct kparam longs[] = {
		{ "n", "long", "long", KS_INT, 8, 0, 0 },
		{ "m", "long", "long", KS_INT, 8, 0, 0 },
		{ "k", "long", "long", KS_INT, 8, 0, 0 },
		{ "a", "const double *", "double", KS_DOUBLE, 8, 1, 1 },
		{ "b", "const double *", "double", KS_DOUBLE, 8, 1, 1 },
		{ "c", "double *", "double", KS_DOUBLE, 8, 1, 0 },
	};
	static const char *const base = "in(a[n*k], b[k*m]) out(c[n*m]) ";

	CHECK_STR(check_sgemm(sgemm_text), "ok");
	CHECK_STR(check_with("args(n=1)", unnamed, 2), "0: parameter 2 has no name");
	CHECK_STR(check_with("args(n=1)", odd, 2),
		  "0: parameter 's' has a type accc cannot benchmark");
	CHECK_STR(check_sgemm("target(gpu) in(a[n*k], b[k*m]) out(c[n*m]) args(n=1,m=1,k=1)"),
		  "7: unknown target 'gpu' (known: host, cuda)");
	CHECK_STR(check_sgemm("target(cuda) in(a[n*k], b[k*m]) out(c[n*m]) args(n=1,m=1,k=1)"),
		  "ok");
	CHECK_STR(check_sgemm("target(cuda) memory(device) allow(tf32) in(a[n*k], b[k*m]) "
			      "out(c[n*m]) args(n=1,m=1,k=1)"), "ok");
	CHECK_STR(check_sgemm("memory(device) in(a[n*k], b[k*m]) out(c[n*m]) args(n=1,m=1,k=1)"),
		  "7: memory(device) needs target(cuda)");
	CHECK_STR(check_sgemm("in(a[n*k], b[k*m], q[n]) out(c[n*m]) args(n=1,m=1,k=1)"),
		  "19: 'q' is not a parameter of the kernel");
	CHECK_STR(check_sgemm("in(a[n*k], b[k*m], n[1]) out(c[n*m]) args(n=1,m=1,k=1)"),
		  "19: 'n' is not a pointer parameter; in/out/inout need a pointer");
	CHECK_STR(check_sgemm("in(b[k*m]) out(c[n*m], a[n*k]) args(n=1,m=1,k=1)"),
		  "23: 'a' is const-qualified and cannot be written by out()");
	CHECK_STR(check_sgemm("in(b[k*m]) inout(c[n*m], a[n*k]) args(n=1,m=1,k=1)"),
		  "25: 'a' is const-qualified and cannot be written by inout()");
	CHECK_STR(check_sgemm("in(a[n*k], b[k*m]) out(c[n*m]) in(a[n]) args(n=1,m=1,k=1)"),
		  "34: buffer 'a' listed twice");
	CHECK_STR(check_sgemm("in(a[n*k]) out(c[n*m]) args(n=1,m=1,k=1)"),
		  "0: pointer parameter 'b' has no in/out/inout clause");
	CHECK_STR(check_sgemm(""), "0: pointer parameter 'a' has no in/out/inout clause");
	/* names in extents and init bounds: the offset is the name's */
	CHECK_STR(check_sgemm("in(a[n*q], b[k*m]) out(c[n*m]) args(n=1,m=1,k=1)"),
		  "7: 'q' is not a parameter of the kernel");
	CHECK_STR(check_sgemm("in(a[n*k], b[k*c]) out(c[n*m]) args(n=1,m=1,k=1)"),
		  "15: 'c' is a pointer parameter and cannot appear in an expression");
	/* in assume, flops and bytes the offset is the name's own */
	strbuf_reset(&result);
	CHECK_STR(check_sgemm("in(a[n*k], b[k*m]) out(c[n*m]) args(n=1,m=1,k=1) assume(n > 0 && q > 1)"),
		  "65: 'q' is not a parameter of the kernel");
	CHECK_STR(check_sgemm("in(a[n*k], b[k*m]) out(c[n*m]) args(n=1,m=1,k=1) flops(2*n*m*kk)"),
		  "61: 'kk' is not a parameter of the kernel");
	CHECK_STR(check_sgemm("in(a[n*k], b[k*m]) out(c[n*m]) args(n=1,m=1,k=1) bytes( a )"),
		  "56: 'a' is a pointer parameter and cannot appear in an expression");
	/* args */
	CHECK_STR(check_sgemm("in(a[n*k], b[k*m]) out(c[n*m]) args(n=512, m=512)"),
		  "31: args does not give a value for scalar parameter 'k'");
	CHECK_STR(check_sgemm("in(a[n*k], b[k*m]) out(c[n*m]) args(n=1,m=1,k=1) args(n=2, k=2)"),
		  "49: args does not give a value for scalar parameter 'm'");
	CHECK_STR(check_sgemm("in(a[n*k], b[k*m]) out(c[n*m]) args(n=512, m=512) init(k: const(4))"),
		  "ok");
	CHECK_STR(check_sgemm("in(a[n*k], b[k*m]) out(c[n*m])"),
		  "0: args does not give a value for scalar parameter 'n'");
	CHECK_STR(check_sgemm("in(a[n*k], b[k*m]) out(c[n*m]) init(n: range(1, 9), m: const(2), "
			      "k: uniform(1, 4))"), "ok");
	CHECK_STR(check_sgemm("in(a[n*k], b[k*m]) out(c[n*m]) args(n=1, m=1, k=1, q=1)"),
		  "51: 'q' is not a parameter of the kernel");
	CHECK_STR(check_sgemm("in(a[n*k], b[k*m]) out(c[n*m]) args(n=1, m=1, k=1, a=1)"),
		  "51: 'a' is a pointer parameter; args gives values to scalars only");
	CHECK_STR(check_sgemm("in(a[n*k], b[k*m]) out(c[n*m]) args(n=1, m=1, k=1, n=2)"),
		  "51: 'n' given twice in args");
	CHECK_STR(check_sgemm("in(a[n*k], b[k*m]) out(c[n*m]) args(n=1.5, m=1, k=1)"),
		  "36: value '1.5' for 'n' is not an integer");
	CHECK_STR(check_sgemm("in(a[n*k], b[k*m]) out(c[n*m]) args(n=1e3, m=1, k=1)"),
		  "36: value '1e3' for 'n' is not an integer");
	CHECK_STR(check_sgemm("in(a[n*k], b[k*m]) out(c[n*m]) args(n=3000000000, m=1, k=1)"),
		  "36: value '3000000000' is out of range for 'n'");
	CHECK_STR(check_with("in(x[1]) args(c=-128, u=65535, f=1, d=-2.5e300, t=1)", types, 6), "ok");
	CHECK_STR(check_with("in(x[1]) args(c=128, u=1, f=1, d=1, t=1)", types, 6),
		  "14: value '128' is out of range for 'c'");
	CHECK_STR(check_with("in(x[1]) args(c=1, u=-1, f=1, d=1, t=1)", types, 6),
		  "19: value '-1' is out of range for 'u'");
	CHECK_STR(check_with("in(x[1]) args(c=1, u=65536, f=1, d=1, t=1)", types, 6),
		  "19: value '65536' is out of range for 'u'");
	CHECK_STR(check_with("in(x[1]) args(c=1, u=1, f=1, d=1, t=2)", types, 6),
		  "34: value '2' is out of range for 't'");
	CHECK_STR(check_with("in(x[1]) args(c=1, u=1, f=1e300, d=1, t=1)", types, 6),
		  "24: value '1e300' is out of range for 'f'");
	/* args values against assume, extents, flops and bytes */
	strbuf_reset(&result);
	{
		struct strbuf t = STRBUF_INIT;

		strbuf_addf(&t, "%sargs(n=100, m=1, k=1) assume(n %% 16 == 0)", base);
		CHECK_STR(check_sgemm(t.buf), "31: these args do not satisfy assume(n % 16 == 0)");
		strbuf_reset(&t);
		strbuf_addf(&t, "%sargs(n=96, m=1, k=1) assume(n %% 16 == 0)", base);
		CHECK_STR(check_sgemm(t.buf), "ok");
		strbuf_reset(&t);
		strbuf_addf(&t, "%sargs(n=96, m=1, k=0) assume(n %% k == 0)", base);
		CHECK_STR(check_sgemm(t.buf),
			  "31: cannot evaluate assume(n % k == 0) for these args: division by zero");
		strbuf_reset(&t);
		/* k comes from init: the assume cannot be judged here */
		strbuf_addf(&t, "%sargs(n=96, m=1) init(k: const(0)) assume(n %% k == 0)", base);
		CHECK_STR(check_sgemm(t.buf), "ok");
		strbuf_reset(&t);
		strbuf_addstr(&t, "in(a[n-k], b[k*m]) out(c[n*m]) args(n=1, m=1, k=2)");
		CHECK_STR(check_sgemm(t.buf), "31: the extent of 'a' is negative for these args");
		strbuf_reset(&t);
		strbuf_addstr(&t, "in(a[n/2.0], b[k*m]) out(c[n*m]) args(n=1, m=1, k=2)");
		CHECK_STR(check_sgemm(t.buf), "33: the extent of 'a' is not an integer for these args");
		strbuf_reset(&t);
		strbuf_addstr(&t, "in(a[n*k], b[k*m]) out(c[n*m]) args(n=3037000500, m=1, k=3037000500)");
		CHECK_STR(check_sgemm(t.buf), "36: value '3037000500' is out of range for 'n'");
		CHECK_STR(check_with(t.buf, longs, ARRAY_SIZE(longs)),
			  "31: cannot evaluate the extent of 'a' for these args: "
			  "integer overflow in '*'");
		CHECK_STR(check_with("in(a[n*k], b[k*m]) out(c[n*m]) args(n=3037000499, m=1, "
				     "k=3037000499)", longs, ARRAY_SIZE(longs)), "ok");
		strbuf_reset(&t);
		strbuf_addf(&t, "%sargs(n=1, m=0, k=1) flops(n/m)", base);
		CHECK_STR(check_sgemm(t.buf),
			  "31: cannot evaluate flops for these args: division by zero");
		strbuf_reset(&t);
		strbuf_addf(&t, "%sargs(n=1, m=0, k=1) bytes(1 << n - 2)", base);
		CHECK_STR(check_sgemm(t.buf),
			  "31: cannot evaluate bytes for these args: shift count -1 is out of range");
		strbuf_release(&t);
	}
	/* init */
	CHECK_STR(check_sgemm("in(a[n*k], b[k*m]) out(c[n*m]) args(n=1,m=1,k=1) init(q: const(1))"),
		  "54: 'q' is not a parameter of the kernel");
	CHECK_STR(check_sgemm("in(a[n*k], b[k*m]) out(c[n*m]) args(n=1,m=1,k=1) "
			      "init(a: uniform(-1, 1)) init(a: const(1))"),
		  "78: init for 'a' given twice");
	CHECK_STR(check_sgemm("in(a[n*k], b[k*m]) out(c[n*m]) args(n=1,m=1,k=1) init(a: range(0, z))"),
		  "66: 'z' is not a parameter of the kernel");
	CHECK_STR(check_sgemm("in(a[n*k], b[k*m]) out(c[n*m]) args(n=1,m=1,k=1) init(a: range(b, 1))"),
		  "63: 'b' is a pointer parameter and cannot appear in an expression");
	CHECK_STR(check_sgemm("in(a[n*k], b[k*m]) out(c[n*m]) args(n=1,m=1,k=1) init(a: range(0, n))"),
		  "ok");
	/* no parameters at all */
	CHECK_STR(check_with("", NULL, 0), "ok");
	CHECK_STR(check_with("args(n=1)", NULL, 0), "5: 'n' is not a parameter of the kernel");
}

static void test_check_misc(void)
{
	struct pragma p;
	struct pragma_error err = { 0, NULL };

	/* a NULL error and a NULL target list are fine */
	CHECK_INT(pragma_parse("target(elsewhere)", 17, &p, NULL), 0);
	CHECK_INT(pragma_check(&p, NULL, 0, NULL, NULL), 0);
	CHECK_INT(pragma_check(&p, NULL, 0, targets, NULL), -1);
	CHECK_INT(pragma_check(&p, NULL, 0, targets, &err), -1);
	CHECK_STR(err.msg, "unknown target 'elsewhere' (known: host, cuda)");
	pragma_error_release(&err);
	CHECK(err.msg == NULL);
	pragma_release(&p);
	CHECK_INT(pragma_parse("foo()", 5, &p, NULL), -1);
	pragma_error_release(NULL);

	/* a hand-made pragma with a broken extent is reported, not trusted */
	pragma_init(&p);
	p.target = xstrdup("host");
	p.nr_bufs = 1;
	p.bufs = xcalloc(1, sizeof(*p.bufs));
	p.bufs[0].name = xstrdup("a");
	p.bufs[0].dir = BUF_IN;
	p.bufs[0].extent = xstrdup("n +");
	p.bufs[0].offset = 7;
	p.bufs[0].extent_offset = 9;
	{
		static const struct kparam params[] = {
			{ "n", "int", "int", KS_INT, 4, 0, 0 },
			{ "a", "float *", "float", KS_FLOAT, 4, 1, 0 },
		};
		char *s;

		CHECK_INT(pragma_check(&p, params, 2, targets, &err), -1);
		CHECK_INT(err.offset, 12); /* the end of "n +" */
		CHECK_STR(err.msg, "expected an expression");
		pragma_error_release(&err);
		s = pragma_canonical(&p);
		CHECK_STR(s, "target(host) in(a[n +])");
		free(s);
	}
	pragma_release(&p);
}

static void test_canonical(void)
{
	static const char *const stable[] = {
		sgemm_text,
		"",
		"hint(\"q\\\"\\\\\\n\\t\\001\\x7f\xc3\xa9\")",
		"init(b: const(-(1))) init(a: uniform(-1, 1+n))",
		"tol(0.1) budget(samples=3, beam=1) allow(optimize)",
		"in(b[n]) out(b[n]) inout(a[1]) in(a[2])",
		"assume(n?1:n?2:3) flops(1ULL<<n) bytes(0x10*.5)",
	};
	struct strbuf once = STRBUF_INIT;
	size_t i;

	CHECK_STR(canon(sgemm_text),
		  "target(host) in(a[n * k]) in(b[k * m]) out(c[n * m]) "
		  "args(n=512, m=512, k=512) tol(0.0001)");
	CHECK_STR(canon("out(c[n * m])in(b[ k*m ])  in( a[(n)*k] ) tol(1e-4,1e-4)"
			"args(n=512,m=512,k=512)target(host)"),
		  "target(host) in(a[n * k]) in(b[k * m]) out(c[n * m]) "
		  "args(n=512, m=512, k=512) tol(0.0001, 0.0001)");
	CHECK_STR(canon(""), "target(host)");
	CHECK_STR(canon("allow(syscall, fast_math) hint(\"b\") budget(samples=3, beam=1) "
			"bytes(n) flops(2.0*n*m*k) init(z: range(0, n)) init(a: normal(0, 1)) "
			"tol(0.25, 1e-9) assume(n%16==0) args(n=+16) args(n=-0x10, m=2.5) "
			"in(a[n]) target(cuda) hint(\"a\")"),
		  "target(cuda) in(a[n]) args(n=16) args(n=-0x10, m=2.5) assume((n % 16) == 0) "
		  "tol(0.25, 1e-09) init(a: normal(0, 1)) init(z: range(0, n)) "
		  "flops(((2.0 * n) * m) * k) bytes(n) budget(beam=1, samples=3) "
		  "hint(\"b\") hint(\"a\") allow(fast_math, syscall)");
	CHECK_STR(canon("hint(\"tab\\there \\\"q\\\" back\\\\slash\\nnl\\001\\x7f\xc3\xa9\")"),
		  "target(host) hint(\"tab\\there \\\"q\\\" back\\\\slash\\nnl\\001\\177\xc3\xa9\")");
	CHECK_STR(canon("hint(\"\\U0001F600 \\u20AC\\x41\")"),
		  "target(host) hint(\"\xf0\x9f\x98\x80 \xe2\x82\xac" "A\")");
	CHECK_STR(canon("init(s: const( 3 ))"), "target(host) init(s: const(3))");
	/* memory(host) is the default and leaves keys as they were */
	CHECK_STR(canon("target(cuda) memory(host)"), "target(cuda)");
	CHECK_STR(canon("allow(tf32) memory( device ) target(cuda)"),
		  "target(cuda) memory(device) allow(tf32)");
	CHECK_STR(canon("tol(1)"), "target(host) tol(1)");
	CHECK_STR(canon("tol(0.1)"), "target(host) tol(0.1)");
	CHECK_STR(canon("tol(0x1p-3, 3)"), "target(host) tol(0.125, 3)");
	/* same buffer twice: sorted by name, given order among equals */
	CHECK_STR(canon("out(b[2]) in(b[1]) in(a[3])"),
		  "target(host) in(a[3]) out(b[2]) in(b[1])");
	/* comments and splices vanish from the canonical text */
	CHECK_STR(canon("in(a[n /* rows */ *\\\n k])"), "target(host) in(a[n * k])");

	for (i = 0; i < ARRAY_SIZE(stable); i++) {
		strbuf_reset(&once);
		strbuf_addstr(&once, canon(stable[i]));
		CHECK(strcmp(once.buf, "parse error") != 0);
		CHECK_STR(canon(once.buf), once.buf);
	}
	strbuf_release(&once);
}

int main(void)
{
	test_sgemm();
	test_clauses();
	test_parse_errors();
	test_check();
	test_check_misc();
	test_canonical();
	strbuf_release(&result);
	return check_done();
}
