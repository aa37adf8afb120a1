/*
 * Kernel keys: they change when anything that can change the kernel's
 * meaning changes, and not with comments, whitespace, line positions or
 * edits to code the kernel does not use.  Real files through libclang.
 */
#include "check.h"
#include "detect.h"
#include "fs.h"
#include "key.h"
#include "normalize.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

static struct strbuf dir = STRBUF_INIT;
static const char *flags_default[] = { "-O2", NULL };

static void put(const char *name, const char *text)
{
	char *path = xstrfmt("%s/%s", dir.buf, name);
	write_file(path, text, strlen(text));
	free(path);
}

/* The key of the first kernel of `src` (written as k.c). */
static char *key_of(const char *src, const char *fp, const char *cc,
		    const char *const *flags, unsigned policy)
{
	struct strvec pf = STRVEC_INIT;
	enum detect_status st;
	struct key_inputs in = { fp, cc, flags, policy, NULL };
	char *path = xstrfmt("%s/k.c", dir.buf), hex[33] = "";
	struct detect *d;

	put("k.c", src);
	strvec_pushf(&pf, "-I%s", dir.buf);
	d = detect_file(path, &pf, &st);
	if (st != DETECT_OK || detect_nr_kernels(d) != 1 || key_kernel(d, 0, &in, hex) < 0) {
		fprintf(stderr, "no key for:\n%s\n%s", src, detect_diagnostics(d));
		strcpy(hex, "none");
	}
	detect_free(d);
	strvec_clear(&pf);
	free(path);
	return xstrdup(hex);
}

static char *key_src(const char *src)
{
	return key_of(src, "fp", "gcc 12", flags_default, 1);
}

#define BASE                                                                   \
	"#include <stddef.h>\n"                                                    \
	"#include \"cfg.h\"\n"                                                     \
	"#define SCALE 3\n"                                                        \
	"static float helper(float v) { return v * SCALE; }\n"                     \
	"int other(int x) { return x * 2; }\n"                                     \
	"#pragma autocomp inout(x[n]) args(n=64)\n"                               \
	"void k(int n, float *x)\n"                                                \
	"{\n"                                                                      \
	"\tfor (int i = 0; i < n; i++)\n"                                          \
	"\t\tx[i] = helper(x[i]) + CFG;\n"                                         \
	"}\n"

static void same(const char *what, const char *base, const char *src)
{
	char *a = key_src(base), *b = key_src(src);
	if (strcmp(a, b) || !strcmp(a, "none")) {
		fprintf(stderr, "key changed (should not): %s\n", what);
		CHECK(0);
	} else
		CHECK(1);
	free(a);
	free(b);
}

static void differs(const char *what, const char *base, const char *src)
{
	char *a = key_src(base), *b = key_src(src);
	if (!strcmp(a, b) || !strcmp(b, "none")) {
		fprintf(stderr, "key did not change (should): %s\n", what);
		CHECK(0);
	} else
		CHECK(1);
	free(a);
	free(b);
}

static void test_source_edits(void)
{
	put("cfg.h", "#define CFG 1.0f\n");
	same("identical", BASE, BASE);
	same("a comment inside the kernel", BASE,
	     "#include <stddef.h>\n#include \"cfg.h\"\n#define SCALE 3\n"
	     "static float helper(float v) { return v * SCALE; }\n"
	     "int other(int x) { return x * 2; }\n"
	     "#pragma autocomp inout(x[n]) args(n=64)\n"
	     "void k(int n, float *x) /* the kernel */\n{\n"
	     "    for (int i = 0; i < n; i++)   // loop\n"
	     "        x[i] = helper( x[i] ) + CFG;\n}\n");
	same("lines added above", BASE, "\n\n/* new header comment */\n\n" BASE);
	same("an unrelated function edited", BASE,
	     "#include <stddef.h>\n#include \"cfg.h\"\n#define SCALE 3\n"
	     "static float helper(float v) { return v * SCALE; }\n"
	     "int other(int x) { return x * 7 + 1; }\n"
	     "#pragma autocomp inout(x[n]) args(n=64)\n"
	     "void k(int n, float *x)\n{\n\tfor (int i = 0; i < n; i++)\n"
	     "\t\tx[i] = helper(x[i]) + CFG;\n}\n");
	same("an unrelated function added after", BASE, BASE "int more(void) { return 5; }\n");
	same("pragma clause spacing", BASE,
	     "#include <stddef.h>\n#include \"cfg.h\"\n#define SCALE 3\n"
	     "static float helper(float v) { return v * SCALE; }\n"
	     "int other(int x) { return x * 2; }\n"
	     "#pragma autocomp   inout( x[ n ] )   args( n = 64 )\n"
	     "void k(int n, float *x)\n{\n\tfor (int i = 0; i < n; i++)\n"
	     "\t\tx[i] = helper(x[i]) + CFG;\n}\n");
	differs("the kernel's body", BASE,
		"#include <stddef.h>\n#include \"cfg.h\"\n#define SCALE 3\n"
		"static float helper(float v) { return v * SCALE; }\n"
		"int other(int x) { return x * 2; }\n"
		"#pragma autocomp inout(x[n]) args(n=64)\n"
		"void k(int n, float *x)\n{\n\tfor (int i = 1; i < n; i++)\n"
		"\t\tx[i] = helper(x[i]) + CFG;\n}\n");
	differs("a macro the kernel uses", BASE,
		"#include <stddef.h>\n#include \"cfg.h\"\n#define SCALE 4\n"
		"static float helper(float v) { return v * SCALE; }\n"
		"int other(int x) { return x * 2; }\n"
		"#pragma autocomp inout(x[n]) args(n=64)\n"
		"void k(int n, float *x)\n{\n\tfor (int i = 0; i < n; i++)\n"
		"\t\tx[i] = helper(x[i]) + CFG;\n}\n");
	differs("a helper the kernel calls", BASE,
		"#include <stddef.h>\n#include \"cfg.h\"\n#define SCALE 3\n"
		"static float helper(float v) { return v * SCALE + 1; }\n"
		"int other(int x) { return x * 2; }\n"
		"#pragma autocomp inout(x[n]) args(n=64)\n"
		"void k(int n, float *x)\n{\n\tfor (int i = 0; i < n; i++)\n"
		"\t\tx[i] = helper(x[i]) + CFG;\n}\n");
	differs("the clauses", BASE,
		"#include <stddef.h>\n#include \"cfg.h\"\n#define SCALE 3\n"
		"static float helper(float v) { return v * SCALE; }\n"
		"int other(int x) { return x * 2; }\n"
		"#pragma autocomp inout(x[n]) args(n=128)\n"
		"void k(int n, float *x)\n{\n\tfor (int i = 0; i < n; i++)\n"
		"\t\tx[i] = helper(x[i]) + CFG;\n}\n");
	{
		char *a = key_src(BASE), *b;
		put("cfg.h", "#define CFG 2.0f\n");
		b = key_src(BASE);
		CHECK(strcmp(a, b) != 0); /* a header's content */
		put("cfg.h", "#define CFG 1.0f\n");
		free(b);
		b = key_src(BASE);
		CHECK_STR(b, a);
		free(a);
		free(b);
	}
}

/* The key of BASE with cfg.h holding `header`. */
static char *key_with_header(const char *header)
{
	put("cfg.h", header);
	return key_src(BASE);
}

static void header_case(const char *what, const char *header, int same_key)
{
	char *a = key_with_header("#ifndef CFG_H\n#define CFG_H\n#define CFG 1.0f\n"
				  "typedef float real;\n"
				  "static inline float twice(float v) { return 2 * v; }\n"
				  "#endif\n");
	char *b = key_with_header(header);

	if (!strcmp(b, "none") || (strcmp(a, b) == 0) != same_key) {
		fprintf(stderr, "header edit: %s: key %s (should not)\n", what,
			same_key ? "changed" : "did not change");
		CHECK(0);
	} else
		CHECK(1);
	free(a);
	free(b);
}

static void test_header_edits(void)
{
	header_case("comments and blank lines", "/* the configuration */\n\n"
		    "#ifndef CFG_H\n#define CFG_H // guard\n#define CFG 1.0f /* one */\n\n"
		    "typedef float real;\n// helper\n"
		    "static inline float twice(float v) { return 2 * v; }\n#endif\n", 1);
	header_case("whitespace and line breaks", "#ifndef CFG_H\n#define CFG_H\n"
		    "#define   CFG   1.0f\ntypedef float\n  real;\n"
		    "static inline float\ntwice(float v)\n{\n\treturn 2 * v;\n}\n#endif\n", 1);
	header_case("a macro's value", "#ifndef CFG_H\n#define CFG_H\n#define CFG 2.0f\n"
		    "typedef float real;\n"
		    "static inline float twice(float v) { return 2 * v; }\n#endif\n", 0);
	header_case("a type", "#ifndef CFG_H\n#define CFG_H\n#define CFG 1.0f\n"
		    "typedef double real;\n"
		    "static inline float twice(float v) { return 2 * v; }\n#endif\n", 0);
	header_case("an inline helper", "#ifndef CFG_H\n#define CFG_H\n#define CFG 1.0f\n"
		    "typedef float real;\n"
		    "static inline float twice(float v) { return v + v + 0; }\n#endif\n", 0);
	header_case("#pragma pack", "#ifndef CFG_H\n#define CFG_H\n#pragma pack(1)\n"
		    "#define CFG 1.0f\ntypedef float real;\n"
		    "static inline float twice(float v) { return 2 * v; }\n#endif\n", 0);
	header_case("#pragma GCC optimize", "#ifndef CFG_H\n#define CFG_H\n"
		    "#pragma GCC optimize(\"O3\")\n#define CFG 1.0f\ntypedef float real;\n"
		    "static inline float twice(float v) { return 2 * v; }\n#endif\n", 0);
	header_case("a _Static_assert", "#ifndef CFG_H\n#define CFG_H\n#define CFG 1.0f\n"
		    "typedef float real;\n_Static_assert(sizeof(real) == 4, \"real\");\n"
		    "static inline float twice(float v) { return 2 * v; }\n#endif\n", 0);
	put("cfg.h", "#define CFG 1.0f\n");
}

static void test_other_inputs(void)
{
	static const char *o3[] = { "-O3", NULL }, *march[] = { "-O2", "-mavx2", NULL },
			  *def[] = { "-O2", "-DX=1", NULL };
	char *base = key_of(BASE, "fp", "gcc 12", flags_default, 1);
	char *k1 = key_of(BASE, "fp2", "gcc 12", flags_default, 1);
	char *k2 = key_of(BASE, "fp", "gcc 13", flags_default, 1);
	char *k3 = key_of(BASE, "fp", "gcc 12", o3, 1);
	char *k4 = key_of(BASE, "fp", "gcc 12", march, 1);
	char *k5 = key_of(BASE, "fp", "gcc 12", def, 1);
	char *k6 = key_of(BASE, "fp", "gcc 12", flags_default, 2);

	CHECK(strlen(base) == 32);
	CHECK(strcmp(base, k1) != 0);
	CHECK(strcmp(base, k2) != 0);
	CHECK(strcmp(base, k3) != 0);
	CHECK(strcmp(base, k4) != 0);
	CHECK(strcmp(base, k5) != 0);
	CHECK(strcmp(base, k6) != 0);
	free(base), free(k1), free(k2), free(k3), free(k4), free(k5), free(k6);
}

static void test_normalize(void)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	const char *x = "#define F(a) ((a)+1)\nint f(int v){return F(v);}\n";
	const char *y = "#line 7 \"z.c\"\n  # define F(a)  ( (a) + 1 ) /* c */\n"
			"int f ( int v )\n{ return F ( v ) ; } // end\n";
	const char *z = "#define F (a) ((a)+1)\nint f(int v){return F(v);}\n";

	normalize_c(x, strlen(x), &a);
	normalize_c(y, strlen(y), &b);
	CHECK_STR(a.buf, b.buf);
	strbuf_reset(&b);
	normalize_c(z, strlen(z), &b);
	CHECK(strcmp(a.buf, b.buf) != 0); /* object-like vs function-like macro */
	strbuf_reset(&a);
	strbuf_reset(&b);
	normalize_c("a&&b", 4, &a);
	normalize_c("a& &b", 5, &b);
	CHECK(strcmp(a.buf, b.buf) != 0);
	strbuf_reset(&a);
	strbuf_reset(&b);
	normalize_c("s=\"a  b\";", 9, &a);
	normalize_c("s=\"a b\";", 8, &b);
	CHECK(strcmp(a.buf, b.buf) != 0); /* string contents are kept */
	strbuf_release(&a);
	strbuf_release(&b);
}

static void test_compiler_identity(void)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

	/* `cc` and `gcc` are one compiler here: the same identity, so the same keys */
	CHECK(key_compiler_identity("gcc", &a) == 0);
	CHECK(key_compiler_identity("cc", &b) == 0);
	CHECK(a.len > 0 && strstr(a.buf, " / ") != NULL);
	if (system("test \"$(readlink -f \"$(command -v cc)\")\" = "
		   "\"$(readlink -f \"$(command -v gcc)\")\"") == 0)
		CHECK_STR(b.buf, a.buf);
	else
		printf("note: cc is not gcc here; identities not compared\n");
	CHECK(key_compiler_identity("/nonexistent/cc", &a) < 0);
	strbuf_release(&a);
	strbuf_release(&b);
}

int main(void)
{
	if (make_tmpdir(&dir, "test-key") < 0)
		return 1;
	test_normalize();
	test_source_edits();
	test_header_edits();
	test_other_inputs();
	test_compiler_identity();
	rm_rf(dir.buf);
	return check_done();
}
