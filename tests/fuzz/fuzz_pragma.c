/*
 * libFuzzer target for the pragma language and the expression engine.
 * Besides "no crash, no leak, no undefined behaviour" it asserts:
 *  - a pragma that parses has a canonical text that parses again to the
 *    same canonical text, and checking either gives the same verdict;
 *  - an expression that parses prints to text that parses again and
 *    prints the same; evaluating it never crashes, whatever the values.
 */
#include "expr.h"
#include "pragma.h"
#include "strbuf.h"
#include "xalloc.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                          \
	do {                                                                       \
		if (!(cond)) {                                                         \
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__,          \
				__LINE__, #cond);                                              \
			abort();                                                           \
		}                                                                      \
	} while (0)

static const char *const targets[] = { "host", "cuda", NULL };

/* The first byte picks one of these parameter lists. */
static const struct kparam sgemm[] = {
	{ "n", "int", "int", KS_INT, 4, 0, 0 },
	{ "m", "int", "int", KS_INT, 4, 0, 0 },
	{ "k", "int", "int", KS_INT, 4, 0, 0 },
	{ "a", "const float *", "float", KS_FLOAT, 4, 1, 1 },
	{ "b", "const float *", "float", KS_FLOAT, 4, 1, 1 },
	{ "c", "float *", "float", KS_FLOAT, 4, 1, 0 },
};

static const struct kparam params[] = {
	{ "n", "int", "int", KS_INT, 4, 0, 0 },
	{ "m", "int", "int", KS_INT, 4, 0, 0 },
	{ "k", "long", "long", KS_INT, 8, 0, 0 },
	{ "u", "unsigned char", "unsigned char", KS_UINT, 1, 0, 0 },
	{ "t", "_Bool", "_Bool", KS_BOOL, 1, 0, 0 },
	{ "f", "float", "float", KS_FLOAT, 4, 0, 0 },
	{ "d", "double", "double", KS_DOUBLE, 8, 0, 0 },
	{ "a", "const float *", "float", KS_FLOAT, 4, 1, 1 },
	{ "b", "float *", "float", KS_FLOAT, 4, 1, 0 },
	{ "c", "double *", "double", KS_DOUBLE, 8, 1, 0 },
	{ "i", "int *", "int", KS_INT, 4, 1, 0 },
	{ "s", "struct S", "struct S", KS_OTHER, 16, 0, 0 },
	{ NULL, "int", "int", KS_INT, 4, 0, 0 },
};

static int lookup(const char *name, struct expr_value *ret, void *data)
{
	static const struct { const char *name; int is_int; long long i; double d; } v[] = {
		{ "n", 1, 3, 0 }, { "m", 1, -5, 0 }, { "k", 1, 0, 0 },
		{ "big", 1, LLONG_MAX, 0 }, { "small", 1, LLONG_MIN, 0 },
		{ "f", 0, 0, 2.5 }, { "d", 0, 0, -1e300 }, { "z", 0, 0, 0.0 },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (!strcmp(v[i].name, name)) {
			ret->is_integer = v[i].is_int;
			ret->i = v[i].i;
			ret->d = v[i].is_int ? (double)v[i].i : v[i].d;
			return 0;
		}
	return -1;
}

static void fuzz_expr(const char *text, size_t len)
{
	struct expr_error err = { 0, NULL };
	struct strbuf once = STRBUF_INIT, twice = STRBUF_INIT;
	struct expr_ident *ids;
	struct expr_value v;
	struct expr *e, *e2;
	size_t nr, i, used;

	if (expr_parse(text, len, &e, &err) < 0) {
		REQUIRE(err.msg && err.offset <= len);
		expr_error_release(&err);
	} else {
		REQUIRE(!err.msg);
		nr = expr_idents(e, &ids);
		for (i = 0; i < nr; i++)
			REQUIRE(ids[i].offset < len &&
				!strncmp(text + ids[i].offset, ids[i].name, strlen(ids[i].name)));
		free(ids);
		if (expr_eval(e, lookup, NULL, &v, &err) < 0)
			REQUIRE(err.msg && err.offset < len);
		else
			REQUIRE(!v.is_integer || v.d == (double)v.i);
		expr_error_release(&err);
		expr_print(e, &once);
		REQUIRE(once.len <= EXPR_MAX_LEN);
		REQUIRE(!expr_parse(once.buf, once.len, &e2, NULL));
		expr_print(e2, &twice);
		REQUIRE(!strcmp(once.buf, twice.buf));
		expr_free(e2);
		expr_free(e);
	}
	if (!expr_parse_prefix(text, len, &e, &used, &err)) {
		REQUIRE(used <= len);
		expr_free(e);
	}
	expr_error_release(&err);
	strbuf_release(&once);
	strbuf_release(&twice);
}

static void fuzz_pragma(const char *text, size_t len, const struct kparam *kp,
			size_t nr_params)
{
	struct pragma p, p2;
	struct pragma_error err = { 0, NULL }, err2 = { 0, NULL };
	char *canon, *canon2;
	int ok, ok2;

	if (pragma_parse(text, len, &p, &err) < 0) {
		REQUIRE(err.msg && err.offset <= len);
		pragma_error_release(&err);
		return;
	}
	REQUIRE(!err.msg && p.target);
	ok = pragma_check(&p, kp, nr_params, targets, &err);
	REQUIRE(ok == 0 ? !err.msg : err.msg != NULL);
	canon = pragma_canonical(&p);
	if (pragma_parse(canon, strlen(canon), &p2, &err2) < 0) {
		fprintf(stderr, "canonical text does not parse: %s\n%s\n", err2.msg, canon);
		abort();
	}
	canon2 = pragma_canonical(&p2);
	REQUIRE(!strcmp(canon, canon2));
	ok2 = pragma_check(&p2, kp, nr_params, targets, &err2);
	/* the same verdict (not always the same first problem: the canonical
	 * order of clauses differs from the text's) */
	REQUIRE(ok == ok2);
	free(canon);
	free(canon2);
	pragma_error_release(&err);
	pragma_error_release(&err2);
	pragma_release(&p);
	pragma_release(&p2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly `size` bytes, so reads past the end are caught */
	char *text = xmalloc(size ? size : 1);
	size_t nr_all = sizeof(params) / sizeof(params[0]);

	memcpy(text, data, size);
	switch (size ? data[0] % 4 : 0) {
	case 0: fuzz_pragma(text, size, sgemm, sizeof(sgemm) / sizeof(sgemm[0])); break;
	case 1: fuzz_pragma(text, size, params, nr_all - 2); break; /* all benchmarkable */
	case 2: fuzz_pragma(text, size, params, nr_all); break;     /* with bad ones */
	default: fuzz_pragma(text, size, NULL, 0);
	}
	fuzz_expr(text, size);
	free(text);
	return 0;
}
