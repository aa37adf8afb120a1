/*
 * Detection, extraction and splicing on real files through libclang: the
 * extracted unit holds what the kernel needs and nothing else, and compiles
 * on its own with -Wall -Werror.
 */
#include "check.h"
#include "detect.h"
#include "extract.h"
#include "fs.h"
#include "run.h"
#include "splice.h"
#include "strvec.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static struct strbuf dir = STRBUF_INIT;

static char *put(const char *name, const char *text)
{
	char *path = xstrfmt("%s/%s", dir.buf, name);
	write_file(path, text, strlen(text));
	return path;
}

/* Does `unit` compile alone (gcc -c -Wall -Werror, plus flags)? */
static int compiles(const char *unit, const char *flag)
{
	struct child c = CHILD_INIT;
	char *src = put("unit_test.c", unit), *obj = xstrfmt("%s/unit.o", dir.buf);
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	int ok;

	strvec_pushv(&c.args, (const char *[]){ "gcc", "-std=gnu11", "-Wall", "-Werror",
		"-Wno-unused-function", "-c", src, "-o", obj, NULL });
	if (flag)
		strvec_push(&c.args, flag);
	ok = child_capture(&c, &out, &err, 1 << 20) == 0;
	if (!ok)
		fprintf(stderr, "unit does not compile:\n%s\n---\n%s", unit, err.buf);
	child_release(&c);
	strbuf_release(&out);
	strbuf_release(&err);
	free(src);
	free(obj);
	return ok;
}

static struct detect *detect_text_file(const char *name, const char *text,
				       enum detect_status *st, const char *flag)
{
	struct strvec flags = STRVEC_INIT;
	char *path = put(name, text);
	struct detect *d;

	if (flag)
		strvec_push(&flags, flag);
	d = detect_file(path, &flags, st);
	strvec_clear(&flags);
	free(path);
	return d;
}

static const char *closure_src =
	"#define _GNU_SOURCE 1\n"
	"#include <string.h>\n"
	"#include \"local.h\"\n"
	"#define N 4\n"
	"#define SQ(x) ((x) * (x))\n"
	"#define CUBE(x) (SQ(x) * (x))\n"
	"#define UNUSED_MACRO 42\n"
	"typedef float real;\n"
	"struct pair { real a, b; };\n"
	"typedef struct pair pair_t;\n"
	"enum mode { MODE_A = 2, MODE_B = 3 };\n"
	"enum other { OTHER_X = 9 };\n"
	"static const real table[N] = { 1, 2, 3, 4 };\n"
	"static int counter_unused;\n"
	"static real helper2(real v);\n"
	"static real helper(real v) { return CUBE(v) * MODE_B + helper2(v); }\n"
	"int unrelated(int x) { return x + OTHER_X; }\n"
	"\n"
	"#pragma autocomp in(a[n]) out(b[n]) args(n=64)\n"
	"void kern(int n, const real *a, real *b)\n"
	"{\n"
	"\tfor (int i = 0; i < n; i++) {\n"
	"\t\tpair_t p = { a[i], 0 };\n"
	"\t\tb[i] = helper(p.a) + table[i % N] + LOCAL_SCALE;\n"
	"\t}\n"
	"}\n"
	"static real helper2(real v) { return v + 1; }\n"
	"int after(void) { return counter_unused; }\n";

static void test_closure(void)
{
	enum detect_status st;
	struct strbuf unit = STRBUF_INIT;
	struct detect *d;

	free(put("local.h", "#define LOCAL_SCALE 0.5f\n"));
	d = detect_text_file("closure.c", closure_src, &st, NULL);
	CHECK_INT(st, DETECT_OK);
	CHECK_INT(detect_nr_kernels(d), 1);
	if (st != DETECT_OK) {
		fprintf(stderr, "%s", detect_diagnostics(d));
		detect_free(d);
		return;
	}
	CHECK(extract_unit(d, 0, NULL, &unit) == 0);
	CHECK(strstr(unit.buf, "#define _GNU_SOURCE 1") != NULL);
	CHECK(strstr(unit.buf, "#include <string.h>") != NULL);
	CHECK(strstr(unit.buf, "#include \"local.h\"") != NULL);
	CHECK(strstr(unit.buf, "#define N 4") != NULL);
	CHECK(strstr(unit.buf, "#define SQ(x)") != NULL);     /* via CUBE's body */
	CHECK(strstr(unit.buf, "#define CUBE(x)") != NULL);
	CHECK(strstr(unit.buf, "typedef float real;") != NULL);
	CHECK(strstr(unit.buf, "struct pair { real a, b; };") != NULL);
	CHECK(strstr(unit.buf, "typedef struct pair pair_t;") != NULL);
	CHECK(strstr(unit.buf, "enum mode") != NULL);
	CHECK(strstr(unit.buf, "static const real table[N]") != NULL);
	CHECK(strstr(unit.buf, "static real helper(real v)") != NULL);
	CHECK(strstr(unit.buf, "static real helper2(real v);") != NULL);
	CHECK(strstr(unit.buf, "static real helper2(real v) { return v + 1; }") != NULL);
	CHECK(strstr(unit.buf, "void kern(int n") != NULL);
	/* what the kernel does not use stays out */
	CHECK(strstr(unit.buf, "UNUSED_MACRO") == NULL);
	CHECK(strstr(unit.buf, "OTHER_X") == NULL);
	CHECK(strstr(unit.buf, "unrelated") == NULL);
	CHECK(strstr(unit.buf, "counter_unused") == NULL);
	CHECK(strstr(unit.buf, "after") == NULL);
	CHECK(strstr(unit.buf, "#pragma") == NULL);
	/* #line keeps the original positions */
	CHECK(strstr(unit.buf, "#line 20 \"") != NULL);
	{
		char *flag = xstrfmt("-I%s", dir.buf);
		CHECK(compiles(unit.buf, flag));
		free(flag);
	}
	strbuf_release(&unit);
	detect_free(d);
}

static void test_kernel_facts(void)
{
	enum detect_status st;
	struct detect *d = detect_text_file("facts.c",
		"typedef double dbl;\n"
		"#pragma autocomp in(x[n], idx[n]) out(y[n]) args(n=10, alpha=0.5)\n"
		"static void axpy(long n, double alpha, const dbl *x, const int *idx,\n"
		"                 double *restrict y) { for (long i = 0; i < n; i++) y[i] += alpha * x[idx[i]]; }\n",
		&st, NULL);
	const struct kernel *k;

	CHECK_INT(st, DETECT_OK);
	if (st != DETECT_OK) {
		fprintf(stderr, "%s", detect_diagnostics(d));
		detect_free(d);
		return;
	}
	k = detect_kernel(d, 0);
	CHECK_STR(k->name, "axpy");
	CHECK_INT(k->line, 3);
	CHECK_INT(k->pragma_line, 2);
	CHECK(k->is_static);
	CHECK_INT(k->nr_params, 5);
	CHECK_STR(k->params[0].elem_type, "long");
	CHECK_INT(k->params[0].kind, KS_INT);
	CHECK(!k->params[0].is_pointer);
	CHECK_INT(k->params[1].kind, KS_DOUBLE);
	CHECK(k->params[2].is_pointer && k->params[2].is_const);
	CHECK_STR(k->params[2].elem_type, "double");   /* through the typedef */
	CHECK_INT(k->params[2].size, 8);
	CHECK_INT(k->params[3].kind, KS_INT);
	CHECK_INT(k->params[3].size, 4);
	CHECK(k->params[4].is_pointer && !k->params[4].is_const);
	CHECK_INT(detect_nr_sites(d), 1);
	CHECK_STR(k->pragma.target, "host");
	detect_free(d);
}

static void test_flags_reach_libclang(void)
{
	enum detect_status st;
	const char *src =
		"#ifdef WITH_KERNEL\n"
		"#pragma autocomp inout(x[n]) args(n=4)\n"
		"void k(int n, float *x) { x[0] = n; }\n"
		"#endif\n";
	struct detect *d = detect_text_file("flags.c", src, &st, NULL);

	CHECK_INT(st, DETECT_OK);
	CHECK_INT(detect_nr_kernels(d), 0);
	detect_free(d);
	d = detect_text_file("flags.c", src, &st, "-DWITH_KERNEL");
	CHECK_INT(detect_nr_kernels(d), 1);
	detect_free(d);
}

static void test_splice(void)
{
	struct strbuf text = STRBUF_INIT, out = STRBUF_INIT;
	struct range site = { 10, 20 };
	struct splice_repl r;

	strbuf_addstr(&text, "int a;\n\n#pragma X\nint f(void) { return 1; } int g;\nint h;\n");
	/* erase "#pragma X" (offsets 8..17), replace f */
	site.start = 8;
	site.end = 17;
	r.def.start = 18;
	r.def.end = 43;
	r.name = "f";
	r.text = "static int two(void) { return 2; }\nint f(void) { return two(); }";
	CHECK_STR(text.buf + r.def.end, " int g;\nint h;\n");
	splice_unit(&text, "my \"file\".c", &site, 1, &r, 1, &out);
	CHECK_STR(out.buf,
		  "#line 1 \"my \\\"file\\\".c\"\n"
		  "int a;\n\n         \n"
		  "#line 1 \"accc-variant/f.c\"\n"
		  "static int two(void) { return 2; }\nint f(void) { return two(); }\n"
		  "#line 4 \"my \\\"file\\\".c\"\n"
		  "                          int g;\nint h;\n");
	strbuf_release(&text);
	strbuf_release(&out);
}

static void test_loops(void)
{
	enum detect_status st;
	const char *src =
		"#pragma autocomp in(a[n*m]) out(c[n*m]) args(n=4, m=4)\n"
		"void t(int n, int m, const float *a, float *c)\n"
		"{\n"
		"\tfor (int i = 0; i < n; i++)\n"
		"\t\tfor (int j = 0; j < m; j++) {\n"
		"\t\t\tc[i * m + j] = a[j * n + i];\n"
		"\t\t}\n"
		"\tint k = 0;\n"
		"\twhile (k < 3) k++;\n"
		"\tdo { k--; } while (k);\n"
		"}\n";
	struct detect *d = detect_text_file("loops.c", src, &st, NULL);
	struct kloop *l = NULL;
	size_t n = 0;

	CHECK_INT(st, DETECT_OK);
	CHECK(detect_loops(d, "t", &l, &n) == 0);
	CHECK(detect_loops(d, "nope", &l, &n) < 0);
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK_INT(l[0].kind, KLOOP_FOR);
		CHECK_INT(l[0].depth, 0);
		CHECK(l[0].perfect);
		CHECK_STR(l[0].var, "i");
		CHECK(!strncmp(src + l[0].stmt.start, "for (int i", 10));
		CHECK(!strncmp(src + l[0].body.start, "for (int j", 10));
		CHECK_INT(l[1].depth, 1);
		CHECK_INT(l[1].parent, 0);
		CHECK_STR(l[1].var, "j");
		CHECK(!l[1].perfect);
		CHECK(src[l[1].body.start] == '{' && src[l[1].body.end - 1] == '}');
		CHECK_INT(l[2].kind, KLOOP_WHILE);
		CHECK(!strncmp(src + l[2].body.start, "k++", 3));
		CHECK_INT(l[3].kind, KLOOP_DO);
		CHECK(!strncmp(src + l[3].body.start, "{ k--; }", 8));
	}
	detect_loops_free(l, n);
	detect_free(d);
	{	/* the same from memory, no pragma needed */
		struct strvec none = STRVEC_INIT;
		struct range r;
		const char *body = strchr(src, '\n') + 1;
		l = NULL;
		n = 0;
		d = detect_buffer("/nonexistent/mem.c", body, strlen(body), &none, &st);
		CHECK_INT(st, DETECT_OK);
		CHECK_INT(detect_nr_kernels(d), 0);
		CHECK(detect_function(d, "t", &r) == 0 && r.start == 0);
		CHECK(detect_loops(d, "t", &l, &n) == 0 && n == 4);
		detect_loops_free(l, n);
		detect_free(d);
	}
}

/* The byte range of `what` in `text`, tokens filled in for it. */
static struct direct_range at(const char *text, const char *what)
{
	struct direct_range r = { 0, 0, 0, 0 };
	const char *p = strstr(text, what);

	if (p) {
		r.start = (size_t)(p - text);
		r.end = r.start + strlen(what);
	}
	return r;
}

/* Direct mode's recipe: made for one text, used on another with the same
 * tokens, it lands on that text's own bytes. */
static void test_splice_recipe(void)
{
	static const char a[] = "int g;\n#pragma autocomp inout(x[1])\n"
				"void k(float *x) { x[0] = g; }\nint h;\n";
	static const char b[] = "/* moved\n   down */\nint g; // g\n#pragma autocomp inout(x[1])\n"
				"void k(float *x)\n{\n\tx[0] = g; /* the body */\n}\nint h;\n";
	struct strbuf ta = STRBUF_INIT, tb = STRBUF_INIT, got = STRBUF_INIT, want = STRBUF_INIT;
	struct direct_range site = at(a, "#pragma autocomp inout(x[1])");
	struct direct_repl repl = { at(a, "void k(float *x) { x[0] = g; }"), "k", "void k(float *x) { }" };
	struct direct_recipe rc = { &site, 1, &repl, 1 };
	struct range sb = { 0, 0 };
	struct splice_repl rb = { { 0, 0 }, "k", "void k(float *x) { }" };

	strbuf_addstr(&ta, a);
	strbuf_addstr(&tb, b);
	splice_recipe_tokens(&ta, &rc);
	CHECK(site.tstart == 3 && site.tend == 13 && repl.at.tstart == 13 && repl.at.tend == 29);
	CHECK(splice_recipe(&ta, "a.c", &rc, 1, &got) == 0);
	sb.start = site.start, sb.end = site.end;
	rb.def.start = repl.at.start, rb.def.end = repl.at.end;
	splice_unit(&ta, "a.c", &sb, 1, &rb, 1, &want);
	CHECK_STR(got.buf, want.buf);
	strbuf_reset(&got);
	strbuf_reset(&want);
	CHECK(splice_recipe(&tb, "b.c", &rc, 0, &got) == 0);
	sb.start = (size_t)(strstr(b, "#pragma") - b);
	sb.end = (size_t)(strstr(b, "])\n") + 2 - b);
	rb.def.start = (size_t)(strstr(b, "void k") - b);
	rb.def.end = (size_t)(strstr(b, "}\nint h") + 1 - b);
	splice_unit(&tb, "b.c", &sb, 1, &rb, 1, &want);
	CHECK_STR(got.buf, want.buf);
	CHECK(strstr(got.buf, "#line 8 \"b.c\"") != NULL); /* after the variant: b's line */
	strbuf_reset(&tb);
	strbuf_addstr(&tb, "int g;\n"); /* fewer tokens: the recipe does not fit */
	CHECK(splice_recipe(&tb, "b.c", &rc, 0, &got) < 0);
	strbuf_release(&ta);
	strbuf_release(&tb);
	strbuf_release(&got);
	strbuf_release(&want);
}

int main(void)
{
	if (make_tmpdir(&dir, "test-extract") < 0)
		return 1;
	test_closure();
	test_kernel_facts();
	test_flags_reach_libclang();
	test_splice();
	test_splice_recipe();
	test_loops();
	rm_rf(dir.buf);
	return check_done();
}
