/*
 * The judge's cheap parts, without running any candidate: the host
 * fingerprint, the source rules (on text and on real preprocessor output),
 * the object rules (on objects the real compiler makes), the generated
 * harness (it must compile for every scalar kind), the statistics.
 */
#include "check.h"
#include "harness.h"
#include "hostinfo.h"
#include "judge_int.h"
#include "log.h"
#include "objcheck.h"
#include "run.h"
#include "fs.h"
#include "xalloc.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <math.h>

static char *tmp;

static int write_src(const char *name, const char *text)
{
	char *p = xstrfmt("%s/%s", tmp, name);
	int r = write_file(p, text, strlen(text));
	free(p);
	return r;
}

/* gcc ARGS... in tmp; the exit code. */
static int cc(const char *const *args)
{
	struct child c = CHILD_INIT;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	int r;
	strvec_push(&c.args, "gcc");
	strvec_pushv(&c.args, args);
	c.dir = tmp;
	c.stdin_null = 1;
	r = child_capture(&c, &out, &err, 1 << 20);
	if (r)
		fprintf(stderr, "gcc failed: %s\n", err.buf);
	child_release(&c);
	strbuf_release(&out);
	strbuf_release(&err);
	return r;
}

static void test_hostinfo(void)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, j = STRBUF_INIT;
	struct hostinfo hi;

	CHECK(hostinfo_fingerprint(&a) == 0);
	CHECK(hostinfo_fingerprint(&b) == 0);
	CHECK_STR(a.buf, b.buf); /* stable */
	CHECK(starts_with(a.buf, "target host\narch "));
	CHECK(strstr(a.buf, "\nisa ") && strstr(a.buf, "\ncpus "));
	CHECK(!strstr(a.buf, "MHz") && !strstr(a.buf, "bogomips"));
	hostinfo_read(&hi);
	CHECK(hi.cpus >= 1);
#if defined(__x86_64__)
	CHECK(hostinfo_has(&hi, "sse2"));
	CHECK(hostinfo_has(&hi, "sse"));
	CHECK(!hostinfo_has(&hi, "sse4")); /* a prefix of a feature is not one */
	CHECK(hi.vendor[0] && hi.family > 0);
#endif
	CHECK(hostinfo_json(&j) == 0);
	CHECK(strstr(j.buf, "\"fingerprint\"") && strstr(j.buf, "\"isa\""));
	CHECK(strstr(j.buf, "\"sandbox\""));
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&j);
}

static void expect_src(const char *text, unsigned allow, const char *rule)
{
	char *r = NULL, *why = NULL;
	int got = srccheck_preprocessed(text, strlen(text), allow, &r, &why);
	if (rule) {
		CHECK_INT(got, 1);
		CHECK_STR(r, rule);
		CHECK(why && *why);
	} else {
		CHECK_INT(got, 0);
		if (got)
			fprintf(stderr, "  unexpected %s: %s\n", r, why);
	}
	free(r);
	free(why);
}

static void test_srccheck(void)
{
	char *r = NULL, *why = NULL;
	const char *ref = "#include <math.h>\n#include \"mine.h\"\nvoid k(void) {}\n";

	expect_src("void k(void) {}\n", 0, NULL);
	expect_src("#pragma GCC optimize(\"O3\")\nvoid k(void) {}\n", 0, "pragma-optimize");
	expect_src("#pragma GCC optimize(\"O3\")\n", TA_OPTIMIZE, NULL);
	expect_src("  #  pragma   GCC   optimize (\"unroll-loops\")\n", 0, "pragma-optimize");
	expect_src("__attribute__((optimize(\"O3\"))) void k(void) {}\n", 0, "optimize-attribute");
	expect_src("__attribute__ ((__optimize__ (\"-O3\"))) void k(void) {}\n", 0,
		   "optimize-attribute");
	expect_src("[[gnu::optimize(\"O3\")]] void k(void) {}\n", 0, "optimize-attribute");
	expect_src("#pragma clang fp reassociate(on)\n", 0, "fast-math");
	expect_src("#pragma clang fp reassociate(on)\n", TA_FAST_MATH, NULL);
	expect_src("#pragma float_control(precise, off)\n", 0, "fast-math");
	expect_src("#pragma GCC unroll 4\n#pragma GCC ivdep\n#pragma GCC target(\"avx2\")\n", 0,
		   NULL);
	expect_src("__attribute__((target(\"avx2\"), aligned(16))) int x;\n", 0, NULL);
	expect_src("void k(void) { __asm__ volatile(\"syscall\" ::: \"memory\"); }\n", TA_ASM,
		   "asm-syscall");
	expect_src("void k(void) { asm(\"int $0x80\"); }\n", TA_ASM, "asm-syscall");
	expect_src("void k(void) { __asm__(\"syscall\"); }\n", TA_SYSCALL | TA_ASM, NULL);
	expect_src("void k(void) { __asm__(\"syscall\"); }\n", TA_SYSCALL, "asm");
	expect_src("void k(void) { __asm__(\".byte 0x0f, 0x05\"); }\n", TA_SYSCALL | TA_ASM,
		   "asm-data");
	expect_src("__asm__(\".section .init_array\");\n", TA_ASM, "asm-data");
	expect_src("void k(void) { __asm__ volatile(\"\" ::: \"memory\"); }\n", TA_ASM, NULL);
	expect_src("void k(void) { __asm__(\"pause\"); }\n", TA_ASM, NULL);
	/* no inline assembly at all without allow(asm), register variables too */
	expect_src("void k(void) { __asm__(\"pause\"); }\n", 0, "asm");
	expect_src("void k(void) { register long r asm(\"r12\"); (void)r; }\n", 0, "asm");
	/* ... but system headers may use it (line markers with flag 3) */
	expect_src("# 1 \"k.c\"\n# 1 \"/usr/include/stdio.h\" 1 3 4\nint f(void) __asm__(\"g\");\n"
		   "# 3 \"k.c\" 2\nvoid k(void) {}\n", 0, NULL);
	expect_src("# 1 \"k.c\"\n# 1 \"/usr/include/stdio.h\" 1 3 4\nint f(void);\n"
		   "# 3 \"k.c\" 2\nvoid k(void) { __asm__(\"\"); }\n", 0, "asm");
	/* a system macro's asm expanded in the candidate's own file */
	expect_src("# 1 \"k.c\"\n# 1 \"/usr/include/fpu_control.h\" 1 3 4\nint f(void);\n"
		   "# 3 \"k.c\" 2\nvoid k(void) {\n# 4 \"k.c\" 3 4\n __asm__(\"fldcw\")\n"
		   "# 4 \"k.c\"\n; }\n", 0, "asm");
	/* CPU state reached without asm: thread pointer, segments, clocks */
	expect_src("void k(void) { void **t = __builtin_thread_pointer(); t[7] = 0; }\n", 0,
		   "cpu-state");
	expect_src("void k(void) { *(int __seg_gs *)8 = 1; }\n", 0, "cpu-state");
	expect_src("unsigned long long k(void) { return __builtin_ia32_rdtsc(); }\n", 0,
		   "cpu-state");
	/* words in string literals or identifiers are not constructs */
	expect_src("const char *s = \"#pragma GCC optimize asm(syscall)\";\nint optimize;\n", 0,
		   NULL);

	CHECK(srccheck_includes("#include <math.h>\nvoid k(void) {}\n", ref, &r, &why) == 0);
	CHECK(srccheck_includes("#include \"mine.h\"\n", ref, &r, &why) == 0);
	CHECK(srccheck_includes("#include <immintrin.h>\n", ref, &r, &why) == 0);
	CHECK(srccheck_includes("#include \"other.h\"\n", ref, &r, &why) == 1);
	CHECK_STR(r, "include");
	free(r);
	free(why);
	CHECK(srccheck_includes("#include \"/etc/passwd\"\n", ref, &r, &why) == 1);
	free(r);
	free(why);
	CHECK(srccheck_includes("#include </etc/passwd>\n", ref, &r, &why) == 1);
	free(r);
	free(why);
	CHECK(srccheck_includes("#include <../../etc/passwd>\n", ref, &r, &why) == 1);
	free(r);
	free(why);
	CHECK(srccheck_includes("#define F \"x.h\"\n#include F\n", ref, &r, &why) == 1);
	free(r);
	free(why);
	CHECK(srccheck_includes("#if __has_include(\"/home/u/.cache/accc/x\")\n#endif\n", ref, &r,
				&why) == 1);
	free(r);
	free(why);
	CHECK(srccheck_includes("#pragma GCC dependency \"/etc/passwd\"\n", ref, &r, &why) == 1);
	free(r);
	free(why);
}

/* The real preprocessor's output of common headers trips no rule (the
 * checker scans system headers too). */
static void test_headers(void)
{
	static const char *const args[] = { "-O2", "-E", "h.c", "-o", "h.i", NULL };
	struct strbuf i = STRBUF_INIT;
	char *path = xstrfmt("%s/h.i", tmp), *r = NULL, *why = NULL;

	CHECK(write_src("h.c", "#include <immintrin.h>\n#include <math.h>\n#include <stdio.h>\n"
			       "#include <stdlib.h>\n#include <string.h>\n#include <stdint.h>\n"
			       "#include <complex.h>\n#include <float.h>\n#include <limits.h>\n"
			       "#include <stdbool.h>\n#include <time.h>\n#include <unistd.h>\n"
			       "#include <pthread.h>\n#include <signal.h>\n") == 0);
	CHECK(cc(args) == 0);
	CHECK(strbuf_read_file(&i, path, 64 << 20) == 0);
	CHECK(i.len > 10000);
	CHECK(srccheck_preprocessed(i.buf, i.len, 0, &r, &why) == 0);
	if (r)
		fprintf(stderr, "  headers tripped %s: %s\n", r, why);
	free(r);
	free(why);
	free(path);
	strbuf_release(&i);
}

/* Compile `src` to name.o and check it against the reference object. */
static int obj_verdict(const char *name, const char *src, const struct objinfo *ref,
		       char **rule)
{
	char *c = xstrfmt("%s.c", name), *o = xstrfmt("%s.o", name), *path, *why = NULL;
	const char *args[] = { "-O2", "-c", c, "-o", o, NULL };
	struct objinfo oi;
	int r = -1;

	*rule = NULL;
	if (write_src(c, src) < 0 || cc(args) != 0)
		goto out;
	path = xstrfmt("%s/%s", tmp, o);
	if (objinfo_read(path, &oi) == 0) {
		r = objcheck(&oi, ref, rule, &why);
		if (!r && oi.syscall_bytes) {
			*rule = xstrdup("syscall-bytes");
			r = 1;
		}
		objinfo_release(&oi);
	}
	free(path);
out:
	free(why);
	free(c);
	free(o);
	return r;
}

static void expect_obj(const char *name, const char *src, const struct objinfo *ref,
		       const char *rule)
{
	char *got = NULL;
	int r = obj_verdict(name, src, ref, &got);
	if (rule) {
		CHECK_INT(r, 1);
		CHECK_STR(got, rule);
	} else {
		CHECK_INT(r, 0);
		if (r)
			fprintf(stderr, "  %s: unexpected %s\n", name, got ? got : "error");
	}
	free(got);
}

static void test_objcheck(void)
{
	static const char *const ref_args[] = { "-O2", "-c", "ref.c", "-o", "ref.o", NULL };
	const char *ref_src = "#include <math.h>\nvoid k(int n, float *y) { for (int i = 0; "
			      "i < n; i++) y[i] = sqrtf(y[i]); }\n";
	struct objinfo ref;
	char *path = xstrfmt("%s/ref.o", tmp), *r = NULL, *why = NULL;

	CHECK(write_src("ref.c", ref_src) == 0);
	CHECK(cc(ref_args) == 0);
	CHECK(objinfo_read(path, &ref) == 0);
	expect_obj("same", ref_src, &ref, NULL);
	expect_obj("helper", "static float h(float x) { return x * 2; }\n"
			     "void k(int n, float *y) { for (int i = 0; i < n; i++) y[i] = h(y[i]); }\n",
		   &ref, NULL);
	expect_obj("libm", "#include <math.h>\n#include <string.h>\n#include <stdlib.h>\n"
			   "void k(int n, float *y) { float *t = malloc(4 * n); memcpy(t, y, 4 * n);"
			   " for (int i = 0; i < n; i++) y[i] = expf(t[i]) + (float)pow(t[i], 2); "
			   "free(t); }\n",
		   &ref, NULL);
	expect_obj("rodata", "static const float tab[4] = { 1, 2, 3, 4 };\n"
			     "void k(int n, float *y) { for (int i = 0; i < n; i++) y[i] *= tab[i & 3]; }\n",
		   &ref, NULL);
	expect_obj("bss", "static int calls;\nvoid k(int n, float *y) { calls++; y[0] = calls; }\n",
		   &ref, "static-data");
	expect_obj("data", "static float last = 1;\nvoid k(int n, float *y) { y[0] = last; last = y[1]; }\n",
		   &ref, "static-data");
	expect_obj("local_static", "void k(int n, float *y) { static int c; y[0] = ++c; }\n", &ref,
		   "static-data");
	expect_obj("tls", "static _Thread_local int c;\nvoid k(int n, float *y) { y[0] = ++c; }\n",
		   &ref, "tls");
	expect_obj("extra_global", "void helper(float *y) { y[0] = 1; }\n"
				   "void k(int n, float *y) { helper(y); }\n",
		   &ref, "define");
	expect_obj("def_memcpy", "#include <stddef.h>\nvoid *memcpy(void *d, const void *s, "
				 "size_t n) { return d; }\nvoid k(int n, float *y) {}\n",
		   &ref, "define");
	expect_obj("weak_clock", "struct timespec;\n__attribute__((weak)) int clock_gettime(int c, "
				 "struct timespec *t) { return 0; }\nvoid k(int n, float *y) {}\n",
		   &ref, "define");
	expect_obj("getenv", "#include <stdlib.h>\nvoid k(int n, float *y) { y[0] = "
			     "getenv(\"X\") != 0; }\n",
		   &ref, "import");
	expect_obj("ctor", "__attribute__((constructor)) static void c(void) { __asm__ "
			   "volatile(\"\"); }\nvoid k(int n, float *y) {}\n",
		   &ref, "ctor");
	expect_obj("dtor", "__attribute__((destructor)) static void c(void) { __asm__ "
			   "volatile(\"\"); }\nvoid k(int n, float *y) {}\n",
		   &ref, "ctor");
	expect_obj("syscall_insn", "void k(int n, float *y) { __asm__ volatile(\"syscall\" ::: "
				   "\"rcx\", \"r11\", \"memory\"); }\n",
		   &ref, "syscall-bytes");
	CHECK(objcheck_disasm("   4:\tsyscall \n", &r, &why) == 1);
	CHECK_STR(r, "syscall-insn");
	free(r);
	free(why);
	CHECK(objcheck_disasm("   4:\tmov    %eax,%ebx\n   6:\tret\n", &r, &why) == 0);
	{
		static const struct { const char *line, *rule; } dis[] = {
			{ "   4:\trdtsc\n", "clock-insn" },
			{ "   4:\trdtscp\n", "clock-insn" },
			{ "   4:\trdpid  %rax\n", "clock-insn" },
			{ "   4:\tcpuid\n", "cpu-state-insn" },
			{ "   4:\twrgsbase %rax\n", "cpu-state-insn" },
			{ "   4:\trdfsbase %rax\n", "cpu-state-insn" },
			{ "   4:\txrstor (%rdi)\n", "cpu-state-insn" },
			{ "   4:\txsavec64 (%rdi)\n", "cpu-state-insn" },
			{ "   4:\twrpkru\n", "cpu-state-insn" },
			{ "   4:\tint    $0x81\n", "syscall-insn" },
			{ "   4:\tmov    %gs:0x10,%rax\n", "segment-access" },
			{ "   4:\tmov    %fs:0x0,%rax\n", "segment-access" },
			{ "   4:\tmov    %rax,%fs:0x38\n", "segment-access" },
			{ "   4:\tmov    %fs:0x28,%rax\n   d:\tsub    %fs:0x28,%rdx\n", NULL },
			{ "   4:\tvmovups (%rsi),%ymm0\n   8:\tstr    %eax\n", "cpu-state-insn" },
		};
		size_t d;
		for (d = 0; d < sizeof(dis) / sizeof(dis[0]); d++) {
			int got = objcheck_disasm(dis[d].line, &r, &why);
			CHECK_INT(got, dis[d].rule != NULL);
			if (dis[d].rule && got)
				CHECK_STR(r, dis[d].rule);
			free(r);
			free(why);
			r = why = NULL;
		}
	}
	CHECK(objcheck_import_allowed("expf") && objcheck_import_allowed("__sqrtf_finite"));
	CHECK(objcheck_import_allowed("_ZGVdN8v_expf") && objcheck_import_allowed("memset"));
	CHECK(!objcheck_import_allowed("getenv") && !objcheck_import_allowed("clock_gettime"));
	CHECK(!objcheck_import_allowed("readf") && !objcheck_import_allowed("__real_malloc"));
	{
		struct objinfo bad;
		CHECK(objinfo_read("/etc/hostname", &bad) < 0); /* not an object */
	}
	objinfo_release(&ref);
	free(path);
}

/* The generated harness compiles for every scalar kind and a return value. */
static void test_harness(void)
{
	struct target_param p[] = {
		{ "n", "int", TS_INT, 4, 0, 0, TD_NONE, NULL, TDIST_DEFAULT, NULL, NULL },
		{ "u", "unsigned char", TS_UINT, 1, 0, 0, TD_NONE, NULL, TDIST_RANGE, "1", "9" },
		{ "a", "double", TS_DOUBLE, 8, 0, 0, TD_NONE, NULL, TDIST_UNIFORM, "-n", "n" },
		{ "b", "_Bool", TS_BOOL, 1, 0, 0, TD_NONE, NULL, TDIST_DEFAULT, NULL, NULL },
		{ "x", "long double", TS_LDOUBLE, 16, 1, 1, TD_IN, "n * 2", TDIST_NORMAL, "0", "1" },
		{ "q", "short", TS_INT, 2, 1, 0, TD_INOUT, "n", TDIST_DEFAULT, NULL, NULL },
		{ "y", "float", TS_FLOAT, 4, 1, 0, TD_OUT, "n + u", TDIST_DEFAULT, NULL, NULL },
	};
	const char *assumes[] = { "n % 4 == 0", "u > 0" };
	struct target_kernel k;
	struct strbuf src = STRBUF_INIT;
	static const char *const args[] = { "-O2", "-Wall", "-Werror", "-c", "hx.c", "-o", "hx.o",
					    NULL };
	static const char *const kargs[] = { "-O2", "-Wall", "-c", "kx.c", "-o", "kx.o", NULL };

	memset(&k, 0, sizeof(k));
	k.name = "kern";
	k.ret_kind = TS_DOUBLE;
	k.ret_size = 8;
	k.params = p;
	k.nr_params = sizeof(p) / sizeof(p[0]);
	k.assumes = assumes;
	k.nr_assumes = 2;
	k.flops = "2.0 * n";
	CHECK(harness_supported(&k) == 0);
	harness_source(&src, &k);
	CHECK(strstr(src.buf, "#define HX_NBUF 3") != NULL);
	CHECK(write_src("hx.c", src.buf) == 0);
	CHECK(cc(args) == 0);
	strbuf_reset(&src);
	strbuf_addstr(&src, "static double kern(int n, unsigned char u, double a, _Bool b, "
			    "const long double *x, short *q, float *y) { return n + u + a + b + "
			    "x[0] + q[0] + y[0]; }\n");
	harness_wrapper(&src, &k);
	CHECK(write_src("kx.c", src.buf) == 0);
	CHECK(cc(kargs) == 0); /* a static kernel is reached through the entry */
	p[0].kind = TS_OTHER;
	CHECK(harness_supported(&k) < 0);
	strbuf_release(&src);
}

static void test_stats(void)
{
	double x[] = { 1, 2, 3, 4, 100 }, m, s;
	judge_stats(x, 5, &m, &s);
	CHECK(m == 3);
	CHECK(fabs(s - 1.4826 / 3) < 1e-12); /* MAD 1 */
	judge_stats(x, 4, &m, &s);
	CHECK(m == 2.5);
}

/* One measurement lock per machine: judges of two different cache
 * directories exclude each other; a dead holder releases it. */
static void test_lock(void)
{
	struct judge a, b;
	char *path = xstrfmt("%s/measure.lock", tmp), *da = xstrfmt("%s/cache-a", tmp);
	char *db = xstrfmt("%s/cache-b", tmp);
	int fd, st;
	pid_t pid;

	setenv("ACCC_MEASURE_LOCK", path, 1);
	CHECK_STR(judge_lock_path(), path);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.lock_fd = b.lock_fd = -1;
	a.opt.lock_dir = da;
	b.opt.lock_dir = db;
	CHECK(judge_lock(&a) == 0 && a.lock_fd >= 0);
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	/* another process (another flock) with another cache dir must wait */
	pid = fork();
	if (pid == 0)
		_exit(flock(open(path, O_RDONLY), LOCK_EX | LOCK_NB) == 0 ? 0 : 1);
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 1);
	judge_unlock(&a);
	CHECK(judge_lock(&b) == 0);
	judge_unlock(&b);
	/* a holder killed while holding it */
	pid = fork();
	if (pid == 0) {
		if (judge_lock(&a) == 0)
			kill(getpid(), SIGKILL);
		_exit(2);
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFSIGNALED(st));
	CHECK(flock(fd, LOCK_EX | LOCK_NB) == 0);
	close(fd);
	unsetenv("ACCC_MEASURE_LOCK");
	free(path);
	free(da);
	free(db);
}

int main(void)
{
	struct strbuf dir = STRBUF_INIT;

	log_set_stderr(0);
	if (make_tmpdir(&dir, "test-judge-static") < 0)
		return 1;
	tmp = dir.buf;
	test_hostinfo();
	test_srccheck();
	test_headers();
	test_objcheck();
	test_harness();
	test_stats();
	test_lock();
	rm_rf(tmp);
	strbuf_release(&dir);
	return check_done();
}
