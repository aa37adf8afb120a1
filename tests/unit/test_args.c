/* Classification of compiler command lines (driver/args.c). */
#include "args.h"
#include "check.h"
#include "fs.h"
#include "strvec.h"

#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

static struct compile_args ca;

/* Classify a NULL-terminated list of words. */
static int classify(const char *first, ...)
{
	struct strvec v = STRVEC_INIT;
	va_list ap;
	const char *w;

	compile_args_release(&ca);
	va_start(ap, first);
	for (w = first; w; w = va_arg(ap, const char *))
		strvec_push(&v, w);
	va_end(ap);
	args_classify(v.v, &ca);
	strvec_clear(&v);
	return ca.candidate;
}

static int has(const struct strvec *v, const char *s)
{
	return strvec_find(v, s) >= 0;
}

int main(void)
{
	CHECK(classify("-c", "a.c", NULL));
	CHECK_STR(ca.src, "a.c");
	CHECK(ca.output == NULL);
	CHECK(classify("-O2", "-c", "-o", "x/a.o", "src/a.c", NULL));
	CHECK_STR(ca.output, "x/a.o");
	CHECK_STR(ca.src, "src/a.c");
	CHECK(classify("-c", "-oa.o", "a.c", NULL));
	CHECK_STR(ca.output, "a.o");

	/* pass-through classes */
	CHECK(!classify("a.c", "-o", "prog", NULL));          /* link */
	CHECK(!classify("a.o", "b.o", "-o", "prog", NULL));
	CHECK(!classify("-E", "a.c", NULL));
	CHECK(!classify("-S", "-c", "a.c", NULL));
	CHECK(!classify("-M", "a.c", NULL));
	CHECK(!classify("-MM", "-c", "a.c", NULL));
	CHECK(!classify("-c", "a.c", "b.c", NULL));
	CHECK_STR(ca.why, "several inputs");
	CHECK(!classify("-c", "-", NULL));
	CHECK(!classify("-x", "c", "-c", "-", NULL));
	CHECK(!classify("-x", "c++", "-c", "a.c", NULL));
	CHECK(!classify("-xc++", "-c", "a.c", NULL));
	CHECK(!classify("-c", "a.cc", NULL));
	CHECK(!classify("-c", "a.s", NULL));
	CHECK(!classify("-c", "a.S", NULL));
	CHECK(!classify("-c", "a.i", NULL));
	CHECK(!classify("-c", "a.h", NULL));
	CHECK(!classify("-fsyntax-only", "-c", "a.c", NULL));
	CHECK(!classify("-c", "a.c", "-save-temps", NULL));
	CHECK(!classify("-c", "a.c", "-o", "-", NULL));
	CHECK(!classify("--version", NULL));
	CHECK(!classify("-c", NULL));
	CHECK(!classify("-c", "a.c", "-o", NULL));           /* -o missing its value */
	/* -x c makes any name C; -x none resets */
	CHECK(classify("-x", "c", "-c", "weird.txt", NULL));
	CHECK(!classify("-x", "c", "-x", "none", "-c", "weird.txt", NULL));
	/* option values are not inputs */
	CHECK(classify("-c", "a.c", "-MF", "dep.c", "-MT", "t.c", "-I", "inc.c", NULL));
	CHECK_STR(ca.src, "a.c");
	CHECK(classify("-c", "a.c", "-include", "pre.c", "-o", "a.o", NULL));
	CHECK_STR(ca.src, "a.c");

	/* dependency options */
	CHECK(classify("-c", "a.c", "-MD", NULL));
	CHECK(ca.dep && !ca.dep_file && !ca.dep_target);
	CHECK(classify("-c", "a.c", "-MMD", "-MF", "x.d", "-MT", "x", NULL));
	CHECK(ca.dep && ca.dep_target);
	CHECK_STR(ca.dep_file, "x.d");
	CHECK(classify("-c", "a.c", "-Wp,-MD,k.d", NULL));
	CHECK(ca.wp_dep);

	/* flags for libclang and for a standalone build */
	CHECK(classify("-O3", "-march=native", "-Iinc", "-I", "inc2", "-DX=1", "-U", "Y",
		       "-std=c11", "-Wall", "-Werror", "-g", "-fPIC", "-MD", "-c", "a.c",
		       "-o", "a.o", "-include", "cfg.h", "-isystem", "sys", NULL));
	CHECK(has(&ca.parse_flags, "-O3") && has(&ca.parse_flags, "-march=native"));
	CHECK(has(&ca.parse_flags, "-Iinc") && has(&ca.parse_flags, "inc2"));
	CHECK(has(&ca.parse_flags, "-DX=1") && has(&ca.parse_flags, "Y"));
	CHECK(has(&ca.parse_flags, "-std=c11") && has(&ca.parse_flags, "cfg.h"));
	CHECK(has(&ca.parse_flags, "sys"));
	CHECK(!has(&ca.parse_flags, "-Wall") && !has(&ca.parse_flags, "-g"));
	CHECK(has(&ca.build_flags, "-O3") && has(&ca.build_flags, "-fPIC"));
	CHECK(has(&ca.build_flags, "-g") && has(&ca.build_flags, "-DX=1"));
	CHECK(!has(&ca.build_flags, "-Wall") && !has(&ca.build_flags, "-Werror"));
	CHECK(!has(&ca.build_flags, "-MD") && !has(&ca.build_flags, "-c"));
	CHECK(!has(&ca.build_flags, "a.o") && !has(&ca.build_flags, "a.c"));

	/* response files: gcc quoting, nesting, expansion for classification */
	{
		struct strbuf dir = STRBUF_INIT, p1 = STRBUF_INIT, p2 = STRBUF_INIT, a1 = STRBUF_INIT;
		CHECK(make_tmpdir(&dir, "test") == 0);
		strbuf_addf(&p1, "%s/r1", dir.buf);
		strbuf_addf(&p2, "%s/r2", dir.buf);
		write_file(p2.buf, "-c 'my file.c'\n", 15);
		strbuf_addf(&a1, "-O2 \"-DMSG=a b\" @%s -o\\ x out.o\n", p2.buf);
		write_file(p1.buf, a1.buf, a1.len);
		strbuf_reset(&a1);
		strbuf_addf(&a1, "@%s", p1.buf);
		CHECK(classify(a1.buf, NULL) == 0); /* "-o x" is one word: an unknown flag */
		CHECK(has(&ca.args, "-DMSG=a b") && has(&ca.args, "my file.c"));
		CHECK(has(&ca.args, "-o x"));
		write_file(p1.buf, "-c a.c -o a.o", 13);
		strbuf_reset(&a1);
		strbuf_addf(&a1, "@%s", p1.buf);
		CHECK(classify(a1.buf, NULL));
		CHECK_STR(ca.src, "a.c");
		write_file(p1.buf, a1.buf, a1.len); /* a response file naming itself */
		CHECK(!classify(a1.buf, NULL));
		CHECK_STR(ca.why, "unreadable response file");
		CHECK(!classify("@/nonexistent/file", "-c", "a.c", NULL)); /* gcc: a file name */
		rm_rf(dir.buf);
		strbuf_release(&dir);
		strbuf_release(&p1);
		strbuf_release(&p2);
		strbuf_release(&a1);
	}
	compile_args_release(&ca);
	return check_done();
}
