/*
 * Every sols/host kernel, judged the way the search judges candidates:
 * on wall-clock time, the original against itself and the known-good
 * variant (tests/adversarial/variants/<kernel>.good.c) pass and the subtly
 * wrong one (.wrong.c) is judged wrong; their speedups are printed, not
 * asserted (issue 15: a gain of a few percent on a loaded machine is not a
 * fact).  On instruction counts (valgrind: deterministic for one compiler),
 * the original against itself is exactly 1.0 and not faster, and the good
 * variant is faster wherever its gain is in the instructions (all but
 * sgemm, whose cache blocking runs as many; its gain is in
 * tests/bench/bench_judge.sh's figures).
 *
 * `test_judge_sols --bench` prints the figures of the benchmark
 * instead: candidates judged per minute for a small kernel, and every
 * kernel's noise floor and good variant's speedup on wall-clock time
 * (tests/bench/bench_judge.sh runs it).
 * ACCC_SOLS_ONLY=name runs one kernel ("instructions": the valgrind metric).
 */
#include "check.h"
#include "judge.h"
#include "log.h"
#include "pool.h"
#include "run.h"
#include "test_judge_util.h"

static const char *const kernels[] = { "saxpy", "dot", "sgemm", "dgemv", "conv2d",
				       "stencil5", "softmax", "layernorm", "spmv",
				       "histogram", "prefix_sum", "fir", "transpose", NULL };

/* Kernels whose good variant runs no fewer instructions than the original. */
static int gain_not_in_instructions(const char *kernel)
{
	return !strcmp(kernel, "sgemm");
}

static void options(struct target_options *opt)
{
	static char locks[4096];
	const char *build = getenv("ACCC_BUILD");

	target_options_init(opt);
	if (build) {
		snprintf(locks, sizeof(locks), "%s/judge-locks", build);
		opt->lock_dir = locks;
	}
}

static int load(struct tk *t, const char *kernel)
{
	const char *flags[] = { "-O2", NULL };
	char *rel = xstrfmt("sols/host/%s.c", kernel), *path = tk_src(rel);
	int r = tk_load(t, path, kernel, "gcc", flags);
	free(rel);
	free(path);
	return r;
}

static char *variant(const char *kernel, const char *kind)
{
	char *rel = xstrfmt("tests/adversarial/variants/%s.%s.c", kernel, kind);
	char *path = tk_src(rel), *src = tk_read(path);
	free(rel);
	free(path);
	return src;
}

static void show(const char *kernel, const char *what, const struct target_result *r)
{
	printf("%-11s %-5s %-8s speedup %6.3f noise %5.3f faster %d %-12s %s\n", kernel, what,
	       target_verdict_name(r->verdict), r->timed ? r->timing.speedup : 0.0,
	       r->timed ? r->timing.noise : 0.0, r->timed && r->timing.faster,
	       r->timed ? r->timing.metric : "-", r->reason);
}

static void test_kernel(const char *kernel, int valgrind)
{
	struct tk t;
	struct target_options opt;
	struct target_result res[3];
	const char *cands[3];
	char *good = variant(kernel, "good"), *wrong = variant(kernel, "wrong");
	int i;

	CHECK(good && wrong);
	if (!good || !wrong || load(&t, kernel) < 0) {
		CHECK(0);
		goto out;
	}
	options(&opt);
	cands[0] = t.unit.buf;
	cands[1] = good;
	cands[2] = wrong;
	CHECK(host_evaluate(&t.k, cands, 3, &opt, res) == 0);
	show(kernel, "self", &res[0]);
	show(kernel, "good", &res[1]);
	show(kernel, "wrong", &res[2]);
	CHECK_INT(res[0].verdict, TV_OK);
	CHECK(res[0].timed);
	CHECK_INT(res[1].verdict, TV_OK);
	CHECK(res[1].timed);
	CHECK_INT(res[2].verdict, TV_WRONG);
	for (i = 0; i < 3; i++)
		target_result_release(&res[i]);
	if (valgrind) {
		opt.metric = TM_INSTRUCTIONS;
		CHECK(host_evaluate(&t.k, cands, 2, &opt, res) == 0);
		show(kernel, "self", &res[0]);
		show(kernel, "good", &res[1]);
		CHECK_INT(res[0].verdict, TV_OK);
		CHECK(res[0].timed && res[0].timing.speedup == 1.0 && !res[0].timing.faster);
		CHECK_INT(res[1].verdict, TV_OK);
		if (!gain_not_in_instructions(kernel))
			CHECK(res[1].timed && res[1].timing.faster);
		for (i = 0; i < 2; i++)
			target_result_release(&res[i]);
	}
	tk_release(&t);
out:
	free(good);
	free(wrong);
}

/* metric = instructions (valgrind): deterministic, so the original against
 * itself is exactly 1.0; with cachegrind on, the feedback has miss figures. */
static void test_instructions(void)
{
	struct tk t;
	struct target_options opt;
	struct target_result res[2];
	const char *cands[2];
	char *good = variant("fir", "good");

	if (!good || load(&t, "fir") < 0) {
		CHECK(0);
		goto out;
	}
	options(&opt);
	opt.metric = TM_INSTRUCTIONS;
	opt.cachegrind = 1;
	cands[0] = t.unit.buf;
	cands[1] = good;
	CHECK(host_evaluate(&t.k, cands, 2, &opt, res) == 0);
	show("fir", "instr", &res[0]);
	show("fir", "instr", &res[1]);
	CHECK_INT(res[0].verdict, TV_OK);
	CHECK(res[0].timed && res[0].timing.speedup == 1.0 && !res[0].timing.faster);
	CHECK_STR(res[0].timing.metric, "instructions");
	CHECK_INT(res[1].verdict, TV_OK);
	CHECK(res[1].timed && res[1].timing.faster && res[1].timing.speedup > 2);
	CHECK(res[1].feedback && strstr(res[1].feedback, "cache simulation"));
	target_result_release(&res[0]);
	target_result_release(&res[1]);
	tk_release(&t);
out:
	free(good);
}

/* Candidates judged per minute (build + verify + time) for a small kernel. */
static void bench_throughput(void)
{
	enum { N = 30 };
	struct tk t;
	struct target_options opt;
	struct target_result *res = xcalloc(N, sizeof(*res));
	const char *cands[N];
	char *good = variant("fir", "good");
	struct strbuf *texts = xcalloc(N, sizeof(*texts));
	double t0, wall;
	int i, ok = 0;

	if (!good || load(&t, "fir") < 0)
		return;
	options(&opt);
	for (i = 0; i < N; i++) { /* distinct texts, as a search would produce */
		strbuf_init(&texts[i], 0);
		strbuf_addf(&texts[i], "/* candidate %d */\n%s", i, good);
		cands[i] = texts[i].buf;
	}
	t0 = now_s();
	host_evaluate(&t.k, cands, N, &opt, res);
	wall = now_s() - t0;
	for (i = 0; i < N; i++) {
		ok += res[i].verdict == TV_OK;
		target_result_release(&res[i]);
		strbuf_release(&texts[i]);
	}
	printf("throughput: %d candidates of 'fir' (%d correct) in %.1f s: %.1f per minute "
	       "on %d CPUs\n", N, ok, wall, N * 60.0 / wall, pool_cpus());
	free(texts);
	free(res);
	free(good);
	tk_release(&t);
}

static void bench_noise(void)
{
	int k;
	for (k = 0; kernels[k]; k++) {
		struct tk t;
		struct target_options opt;
		struct target_result r[2];
		const char *cands[2];
		char *good = variant(kernels[k], "good");
		double t0 = now_s();
		if (!good || load(&t, kernels[k]) < 0) {
			free(good);
			continue;
		}
		options(&opt);
		cands[0] = t.unit.buf;
		cands[1] = good;
		host_evaluate(&t.k, cands, 2, &opt, r);
		printf("noise floor %-11s %5.1f%%  spread base %5.2f%% cand %5.2f%%  base %.3g s/call"
		       "  rounds %d  good variant %s x%.3f faster %d  (%.1f s)\n", kernels[k],
		       100 * r[0].timing.noise, 100 * r[0].timing.base_spread,
		       100 * r[0].timing.cand_spread, r[0].timing.base, r[0].timing.rounds,
		       target_verdict_name(r[1].verdict), r[1].timing.speedup, r[1].timing.faster,
		       now_s() - t0);
		target_result_release(&r[0]);
		target_result_release(&r[1]);
		tk_release(&t);
		free(good);
	}
}

int main(int argc, char **argv)
{
	const char *only = getenv("ACCC_SOLS_ONLY");
	struct strbuf vg = STRBUF_INIT;
	int k, valgrind = find_in_path(&vg, "valgrind", NULL, NULL, NULL) == 0;

	if (argc > 1 && !strcmp(argv[1], "--bench")) {
		bench_throughput();
		bench_noise();
		return 0;
	}
	if (!valgrind)
		printf("skip: metric=instructions (valgrind is not installed)\n");
	strbuf_release(&vg);
	for (k = 0; kernels[k]; k++)
		if (!only || !strcmp(only, kernels[k]))
			test_kernel(kernels[k], valgrind);
	if (valgrind && (!only || !strcmp(only, "instructions")))
		test_instructions();
	return check_done();
}
