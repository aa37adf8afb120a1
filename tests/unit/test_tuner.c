/*
 * builtin::tuner (passes/tuner.h): every plan it offers on the sols/host
 * kernels and on small kernels written here is implemented, compiles as a
 * candidate unit, and the real judge (correctness only) rates it ok; plans
 * are deterministic; a plan that does not apply is refused; the legality
 * rules refuse what they must (a dependent nest, a non-injective store, a
 * loop-carried dependence, a signed reduction, a break).
 *
 * `test_tuner --bench` prints the benchmark instead (see
 * tests/bench/bench_tuner.sh): every plan's measured speedup on each
 * sols/host kernel, then a greedy chain, the best speedup per kernel and
 * the geometric mean.  `--show KERNEL` prints the plans and variants.
 * ACCC_TUNER_ONLY=name runs one sols kernel.
 */
#include "check.h"
#include "hostinfo.h"
#include "judge.h"
#include "log.h"
#include "tuner.h"
#include "test_judge_util.h"

#include <math.h>
#include <time.h>
#include <unistd.h>

static const char *const sols[] = { "saxpy", "dot", "sgemm", "dgemv", "conv2d", "stencil5",
				    "softmax", "layernorm", "spmv", "histogram", "prefix_sum",
				    "fir", "transpose", NULL };

static struct hostinfo host;

struct tt {
	struct tk t;
	long idx;
	struct tuner_kernel k;
	struct strvec flags;
	char *orig;             /* the original definition */
	char *path;
};

static int tt_load(struct tt *x, const char *path, const char *name, const char *cc)
{
	const char *cflags[] = { "-O2", NULL };
	const struct kernel *kern;

	memset(x, 0, sizeof(*x));
	strvec_init(&x->flags);
	if (tk_load(&x->t, path, name, cc, cflags) < 0)
		return -1;
	x->idx = detect_find(x->t.d, name);
	kern = detect_kernel(x->t.d, (size_t)x->idx);
	x->path = xstrdup(path);
	x->k.name = kern->name;
	x->k.params = kern->params;
	x->k.nr_params = kern->nr_params;
	x->k.pragma = &kern->pragma;
	x->k.isa = host.isa;
	x->k.compiler = strstr(cc, "clang") ? "clang version 19" : "gcc (Debian 12.2.0) 12.2.0";
	x->k.flags = &x->flags;
	x->k.path = x->path;
	x->orig = xstrndup(detect_text(x->t.d)->buf + kern->def.start,
			   kern->def.end - kern->def.start);
	return 0;
}

static void tt_release(struct tt *x)
{
	tk_release(&x->t);
	strvec_clear(&x->flags);
	free(x->orig);
	free(x->path);
}

/* The candidate unit of a variant and where the variant starts in it. */
static int tt_unit(struct tt *x, const char *variant, struct strbuf *unit, size_t *ret_start)
{
	const char *at;

	strbuf_reset(unit);
	if (kdesc_candidate(x->t.d, (size_t)x->idx, variant, unit) < 0 ||
	    !(at = strstr(unit->buf, variant)))
		return -1;
	*ret_start = (size_t)(at - unit->buf);
	return 0;
}

static int tt_plans(struct tt *x, const char *variant, struct strvec *plans)
{
	struct strbuf unit = STRBUF_INIT;
	size_t start;
	int n = -1;

	if (tt_unit(x, variant, &unit, &start) == 0)
		n = tuner_plans(&x->k, unit.buf, start, strlen(variant), plans);
	strbuf_release(&unit);
	return n;
}

/* The variant rewritten by plan, or NULL (caller frees). */
static char *tt_apply(struct tt *x, const char *variant, const char *plan)
{
	struct strbuf unit = STRBUF_INIT, out = STRBUF_INIT;
	size_t start;
	char *ret = NULL;

	if (tt_unit(x, variant, &unit, &start) == 0 &&
	    tuner_implement(&x->k, unit.buf, start, strlen(variant), plan, &out) == 0)
		ret = strbuf_detach(&out, NULL);
	strbuf_release(&unit);
	strbuf_release(&out);
	return ret;
}

static void judge_options(struct target_options *opt, int timing)
{
	static char locks[4096];
	const char *build = getenv("ACCC_BUILD");

	target_options_init(opt);
	if (build) {
		snprintf(locks, sizeof(locks), "%s/judge-locks", build);
		opt->lock_dir = locks;
	}
	opt->no_timing = !timing;
}

/* Judge variants[0..n) against the original; res[] filled.  0 or -1. */
static int tt_judge(struct tt *x, char **variants, size_t n, int timing,
		    struct target_result *res)
{
	struct strbuf *units = xcalloc(n + 1, sizeof(*units));
	const char **cands = xcalloc(n + 1, sizeof(*cands));
	struct target_options opt;
	size_t i, start;
	int ret;

	for (i = 0; i < n; i++) {
		strbuf_init(&units[i], 0);
		if (tt_unit(x, variants[i], &units[i], &start) < 0)
			strbuf_addstr(&units[i], "#error no unit\n");
		cands[i] = units[i].buf;
	}
	judge_options(&opt, timing);
	ret = host_evaluate(&x->t.k, cands, n, &opt, res);
	for (i = 0; i < n; i++)
		strbuf_release(&units[i]);
	free(units);
	free(cands);
	return ret;
}

static int has_plan(const struct strvec *plans, const char *prefix)
{
	size_t i;

	for (i = 0; i < plans->nr; i++)
		if (starts_with(plans->v[i], prefix))
			return 1;
	return 0;
}

static char *sols_path(const char *name)
{
	char *rel = xstrfmt("sols/host/%s.c", name), *path = tk_src(rel);
	free(rel);
	return path;
}

/* ---- --show: plans and variants, for people ---- */

static int show(const char *name, int depth)
{
	struct tt x;
	struct strvec plans = STRVEC_INIT;
	char *path = strchr(name, '/') ? xstrdup(name) : sols_path(name);
	size_t i;

	if (strchr(name, '/')) {
		const char *slash = strrchr(name, '/');
		name = xstrndup(slash + 1, strcspn(slash + 1, "."));
	}
	if (tt_load(&x, path, name, "gcc") < 0)
		return 1;
	printf("== %s: %d plans\n", name, tt_plans(&x, x.orig, &plans));
	for (i = 0; i < plans.nr; i++) {
		char *v = tt_apply(&x, x.orig, plans.v[i]);
		printf("-- %s\n%s\n", plans.v[i], v ? v : "(does not apply)");
		if (v && depth > 1) {
			struct strvec more = STRVEC_INIT;
			size_t j;
			tt_plans(&x, v, &more);
			for (j = 0; j < more.nr; j++)
				printf("   then: %s\n", more.v[j]);
			strvec_clear(&more);
		}
		free(v);
	}
	strvec_clear(&plans);
	tt_release(&x);
	free(path);
	return 0;
}

/* ---- tests ---- */

/* Every plan of `variant` applies, and the judge rates every result ok.
 * Returns the variants (caller frees each and the array); *ret_n their count. */
static char **check_plans(struct tt *x, const char *variant, const char *what,
			  struct strvec *plans, size_t *ret_n)
{
	struct strvec again = STRVEC_INIT;
	struct target_result *res;
	char **vs;
	size_t i, n = 0;
	int np = tt_plans(x, variant, plans);

	CHECK(np >= 0 && (size_t)np == plans->nr);
	CHECK(tt_plans(x, variant, &again) == np);
	for (i = 0; i < plans->nr && i < again.nr; i++)
		CHECK_STR(again.v[i], plans->v[i]);
	strvec_clear(&again);
	vs = xcalloc(plans->nr + 1, sizeof(*vs));
	for (i = 0; i < plans->nr; i++) {
		vs[n] = tt_apply(x, variant, plans->v[i]);
		if (!vs[n])
			fprintf(stderr, "%s: plan does not apply: %s\n", what, plans->v[i]);
		CHECK(vs[n] != NULL);
		if (vs[n])
			n++;
	}
	res = xcalloc(n + 1, sizeof(*res));
	CHECK(n == 0 || tt_judge(x, vs, n, 0, res) == 0);
	for (i = 0; i < n; i++) {
		if (res[i].verdict != TV_OK)
			fprintf(stderr, "%s: %s: %s\n%s\n%s\n", what, target_verdict_name(res[i].verdict),
				res[i].reason, res[i].detail ? res[i].detail : "", vs[i]);
		CHECK_INT(res[i].verdict, TV_OK);
		target_result_release(&res[i]);
	}
	free(res);
	*ret_n = n;
	return vs;
}

static void free_variants(char **vs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(vs[i]);
	free(vs);
}

static int wanted(const char *name)
{
	const char *only = getenv("ACCC_TUNER_ONLY");
	return !only || !strcmp(only, name);
}

static void test_sols(void)
{
	size_t k;

	for (k = 0; sols[k]; k++) {
		struct tt x;
		struct strvec plans = STRVEC_INIT;
		char *path = sols_path(sols[k]);
		char **vs;
		size_t n;

		if (!wanted(sols[k]))
			goto next;
		if (tt_load(&x, path, sols[k], "gcc") < 0) {
			CHECK(0);
			goto next;
		}
		vs = check_plans(&x, x.orig, sols[k], &plans, &n);
		printf("%-11s %zu plans judged ok: %zu\n", sols[k], plans.nr, n);
		CHECK(plans.nr >= 5);
		CHECK(tt_apply(&x, x.orig, "unroll loop 99 (for q, depth 0) by 4") == NULL);
		CHECK(tt_apply(&x, x.orig, "make it faster") == NULL);
		free_variants(vs, n);
		strvec_clear(&plans);
		tt_release(&x);
next:
		free(path);
	}
}

/* Plans the sols kernels must (not) get: the legality rules at work. */
static void test_sols_rules(void)
{
	static const struct { const char *kernel, *prefix; int want; } rules[] = {
		{ "sgemm", "sink loop 2 (for j, depth 1) below loop 3 (for p, depth 2)", 1 },
		{ "sgemm", "sink loop 2 (for j, depth 1) below loop 3 (for p, depth 2), accumulating "
			   "into c, and vectorize it there in blocks of 8, with restrict on a, b, c", 1 },
		{ "fir", "sink loop 1 (for i, depth 0)", 1 },
		{ "dot", "reassociate the reduction into s", 1 },
		{ "saxpy", "vectorize loop 1 (for i, depth 0) in blocks of 8, with restrict", 1 },
		{ "saxpy", "mark loop 1 (for i, depth 0) ivdep", 1 },
		{ "transpose", "interchange loops 1 and 2 (for i, for j)", 1 },
		{ "transpose", "tile loops 1 and 2", 1 },
		/* y[i] = y[i - 1] + x[i]: carried through memory */
		{ "prefix_sum", "mark loop", 0 },
		/* bins[data[i]]++: an index the tuner cannot read */
		{ "histogram", "mark loop 2", 0 },
		/* a reduction into a local that a later statement uses, not an out buffer */
		{ "softmax", "sink", 0 },
		{ "softmax", "interchange", 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rules); i++) {
		struct tt x;
		struct strvec plans = STRVEC_INIT;
		char *path = sols_path(rules[i].kernel);
		if (tt_load(&x, path, rules[i].kernel, "gcc") == 0) {
			tt_plans(&x, x.orig, &plans);
			if (has_plan(&plans, rules[i].prefix) != rules[i].want)
				fprintf(stderr, "%s: plan '%s' %s\n", rules[i].kernel, rules[i].prefix,
					rules[i].want ? "missing" : "offered");
			CHECK(has_plan(&plans, rules[i].prefix) == rules[i].want);
			tt_release(&x);
		} else
			CHECK(0);
		strvec_clear(&plans);
		free(path);
	}
}

/* ---- small kernels written here ---- */

static const char *tmp_dir;

/* Load kernel `name` from source text `src` (written to a scratch file). */
static int small_load(struct tt *x, const char *name, const char *src, const char *cc)
{
	char *path = xstrfmt("%s/%s.c", tmp_dir, name);
	FILE *f = fopen(path, "w");
	int ret = -1;

	if (f) {
		fputs(src, f);
		fclose(f);
		ret = tt_load(x, path, name, cc);
	}
	free(path);
	return ret;
}

struct small_case {
	const char *name, *src;
	const char *want[4];    /* plan prefixes that must be offered */
	const char *refuse[4];  /* plan prefixes that must not be */
	const char *forced;     /* a plan text that must not apply */
};

static const struct small_case small_cases[] = {
	{ "dep2", /* a[i][j] = a[i-1][j+1]: a dependence with direction (<, >) */
	  "#pragma autocomp inout(a[n*m]) args(n=64, m=48) assume(n >= 2 && m >= 2)\n"
	  "void dep2(int n, int m, float *a)\n{\n"
	  "\tfor (int i = 1; i < n; i++)\n\t\tfor (int j = 0; j < m - 1; j++)\n"
	  "\t\t\ta[i * m + j] = a[(i - 1) * m + j + 1] * 0.5f + 1.0f;\n}\n",
	  { "unroll loop 2", NULL }, { "interchange", "tile", "mark loop 2", NULL },
	  "interchange loops 1 and 2 (for i, for j)" },
	{ "twod", /* a transposing copy: independent iterations */
	  "#pragma autocomp in(a[n*m]) out(b[m*n]) args(n=70, m=33)\n"
	  "void twod(int n, int m, const double *a, double *b)\n{\n"
	  "\tfor (int i = 0; i < n; i++)\n\t\tfor (int j = 0; j < m; j++)\n"
	  "\t\t\tb[j * n + i] = 2.0 * a[i * m + j] + 1.0;\n}\n",
	  { "interchange loops 1 and 2", "tile loops 1 and 2", "vectorize loop 2", NULL },
	  { NULL }, NULL },
	{ "lastwins", /* y[i] written by every j: the order of the writes matters */
	  "#pragma autocomp in(x[n*m]) out(y[n]) args(n=40, m=9) assume(m >= 1)\n"
	  "void lastwins(int n, int m, const float *x, float *y)\n{\n"
	  "\tfor (int i = 0; i < n; i++)\n\t\tfor (int j = 0; j < m; j++)\n"
	  "\t\t\ty[i] = x[i * m + j];\n}\n",
	  { "unroll", NULL }, { "interchange", "tile", NULL },
	  "interchange loops 1 and 2 (for i, for j)" },
	{ "isum", /* a signed reduction: regrouping could overflow where it did not */
	  "#pragma autocomp in(x[n]) args(n=1000) init(x: range(-100, 100))\n"
	  "int isum(int n, const int *x)\n{\n\tint s = 0;\n"
	  "\tfor (int i = 0; i < n; i++)\n\t\ts += x[i];\n\treturn s;\n}\n",
	  { "unroll loop 1", NULL }, { "reassociate", "vectorize", NULL },
	  "reassociate the reduction into s in loop 1 (for i, depth 0) as 8 partial sums "
	  "(changes rounding)" },
	{ "usum", /* the same, unsigned: sums modulo 2^32 regroup exactly */
	  "#pragma autocomp in(x[n]) args(n=1000) args(n=13)\n"
	  "unsigned usum(int n, const unsigned *x)\n{\n\tunsigned s = 7;\n"
	  "\tfor (int i = 0; i < n; i++)\n\t\ts += x[i] * 3u;\n\treturn s;\n}\n",
	  { "reassociate the reduction into s in loop 1 (for i, depth 0) as 8", NULL },
	  { NULL }, NULL },
	{ "brk", /* a break leaves the loop early: no strip-mining */
	  "#pragma autocomp in(x[n]) out(y[n]) args(n=100) init(x: uniform(-1, 20))\n"
	  "void brk(int n, const float *x, float *y)\n{\n"
	  "\tfor (int i = 0; i < n; i++) {\n\t\ty[i] = 0;\n\t}\n"
	  "\tfor (int i = 0; i < n; i++) {\n\t\tif (x[i] < 0)\n\t\t\tbreak;\n"
	  "\t\ty[i] = x[i] * 2;\n\t}\n}\n",
	  { "vectorize loop 1", "unroll loop 2", NULL }, { "vectorize loop 2", NULL },
	  "vectorize loop 2 (for i, depth 0) in blocks of 8, with restrict on x, y" },
	{ "shrink", /* the bound changes inside the loop */
	  "#pragma autocomp in(x[n]) out(y[n]) args(n=100)\n"
	  "void shrink(int n, const float *x, float *y)\n{\n\tint m = n;\n"
	  "\tfor (int i = 0; i < n; i++)\n\t\ty[i] = 0;\n"
	  "\tfor (int i = 0; i < m; i++) {\n\t\ty[i] = x[i];\n\t\tif (x[i] > 0.5f)\n\t\t\tm--;\n\t}\n}\n",
	  { "vectorize loop 1", NULL }, { "vectorize loop 2", "mark loop 2", NULL }, NULL },
	{ "colsub", /* a reduction with -=, sunk into a double output */
	  "#pragma autocomp in(a[n*k]) out(y[n]) args(n=50, k=17) assume(k >= 0)\n"
	  "void colsub(int n, int k, const double *a, double *y)\n{\n"
	  "\tfor (int j = 0; j < n; j++) {\n\t\tdouble s = 1.0 + j;\n"
	  "\t\tfor (int p = 0; p < k; p++)\n\t\t\ts -= a[p * n + j] * a[p * n + j];\n"
	  "\t\ty[j] = s;\n\t}\n}\n",
	  { "sink loop 1 (for j, depth 0) below loop 2 (for p, depth 1), accumulating into y",
	    NULL }, { NULL }, NULL },
	{ "macro", /* indexes spelled through a macro: the tuner does not guess */
	  "#define IDX(r, c, w) ((r) * (w) + (c))\n"
	  "#pragma autocomp in(a[n*m]) out(b[m*n]) args(n=20, m=30)\n"
	  "void macro(int n, int m, const float *a, float *b)\n{\n"
	  "\tfor (int i = 0; i < n; i++)\n\t\tfor (int j = 0; j < m; j++)\n"
	  "\t\t\tb[IDX(j, i, n)] = a[IDX(i, j, m)];\n}\n",
	  { "unroll loop 2", NULL }, { "interchange", "tile", NULL }, NULL },
};

static void test_small(void)
{
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(small_cases); i++) {
		const struct small_case *sc = &small_cases[i];
		struct tt x;
		struct strvec plans = STRVEC_INIT;
		char **vs;
		size_t n;

		if (small_load(&x, sc->name, sc->src, "gcc") < 0) {
			CHECK(0);
			continue;
		}
		vs = check_plans(&x, x.orig, sc->name, &plans, &n);
		for (j = 0; sc->want[j]; j++) {
			if (!has_plan(&plans, sc->want[j]))
				fprintf(stderr, "%s: no plan '%s'\n", sc->name, sc->want[j]);
			CHECK(has_plan(&plans, sc->want[j]));
		}
		for (j = 0; sc->refuse[j]; j++) {
			if (has_plan(&plans, sc->refuse[j]))
				fprintf(stderr, "%s: plan '%s' offered\n", sc->name, sc->refuse[j]);
			CHECK(!has_plan(&plans, sc->refuse[j]));
		}
		if (sc->forced)
			CHECK(tt_apply(&x, x.orig, sc->forced) == NULL);
		free_variants(vs, n);
		strvec_clear(&plans);
		tt_release(&x);
	}
}

/* Two steps: every plan of the first step's results applies and is ok. */
static void test_chains(void)
{
	static const struct { const char *kernel, *first; } chains[] = {
		{ "sgemm", "sink loop 2" },
		{ "fir", "sink loop 1" },
		{ "conv2d", "sink loop 2" },
		{ "dot", "reassociate the reduction into s in loop 1 (for i, depth 0) as 16" },
		{ "transpose", "tile loops 1 and 2" },
	};
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(chains); i++) {
		struct tt x;
		struct strvec plans = STRVEC_INIT, next = STRVEC_INIT;
		char *path = sols_path(chains[i].kernel), *v = NULL, **vs;
		size_t n;

		if (!wanted(chains[i].kernel) || tt_load(&x, path, chains[i].kernel, "gcc") < 0) {
			free(path);
			continue;
		}
		tt_plans(&x, x.orig, &plans);
		for (j = 0; j < plans.nr && !v; j++)
			if (starts_with(plans.v[j], chains[i].first))
				v = tt_apply(&x, x.orig, plans.v[j]);
		CHECK(v != NULL);
		if (v) {
			char *what = xstrfmt("%s after '%s'", chains[i].kernel, chains[i].first);
			vs = check_plans(&x, v, what, &next, &n);
			CHECK(n >= 3);
			free_variants(vs, n);
			free(what);
		}
		free(v);
		strvec_clear(&plans);
		strvec_clear(&next);
		tt_release(&x);
		free(path);
	}
}

/* The ISA and compiler the tuner is told about shape its plans. */
static void test_isa_and_compiler(void)
{
	struct tt x;
	struct strvec plans = STRVEC_INIT;
	char *path = sols_path("saxpy"), *v, **vs;
	size_t n;

	CHECK(tt_load(&x, path, "saxpy", "gcc") == 0);
	x.k.isa = "sse sse2";
	tt_plans(&x, x.orig, &plans);
	CHECK(!has_plan(&plans, "add target attribute"));
	strvec_clear(&plans);
	x.k.isa = "sse sse2 avx avx2 fma";
	tt_plans(&x, x.orig, &plans);
	CHECK(has_plan(&plans, "add target attribute avx2 (\"avx2,fma\""));
	CHECK(!has_plan(&plans, "add target attribute avx512"));
	/* a unit whose variant range misses the kernel */
	CHECK(tuner_plans(&x.k, "int x;\n", 0, 7, &plans) == -1);
	strvec_clear(&plans);
	tt_release(&x);

	if (access("/usr/bin/clang", X_OK)) {
		printf("skip: no /usr/bin/clang for the clang spellings\n");
		free(path);
		return;
	}
	CHECK(tt_load(&x, path, "saxpy", "clang") == 0);
	v = tt_apply(&x, x.orig, "unroll loop 1 (for i, depth 0) by 4");
	CHECK(v && strstr(v, "#pragma clang loop unroll_count(4)"));
	free(v);
	vs = check_plans(&x, x.orig, "saxpy (clang)", &plans, &n);
	CHECK(n == plans.nr && n >= 5);
	free_variants(vs, n);
	strvec_clear(&plans);
	tt_release(&x);
	free(path);
}

/* ---- --bench: what the tuner really gains ---- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct bench_step {
	char *variant;          /* the step's winner (owned), or NULL */
	char *plan;
	double speedup;
};

/* Judge every plan of `cur` with timing; print each; the best that beats
 * `floor` beyond its noise goes into *win.  Returns candidates judged. */
static size_t bench_step(struct tt *x, const char *cur, int step, double floor,
			 struct bench_step *win)
{
	struct strvec plans = STRVEC_INIT, used = STRVEC_INIT;
	struct target_result *res;
	char **vs;
	size_t i, n = 0;

	tt_plans(x, cur, &plans);
	vs = xcalloc(plans.nr + 1, sizeof(*vs));
	for (i = 0; i < plans.nr; i++)
		if ((vs[n] = tt_apply(x, cur, plans.v[i]))) {
			strvec_push(&used, plans.v[i]);
			n++;
		}
	res = xcalloc(n + 1, sizeof(*res));
	if (n && tt_judge(x, vs, n, 1, res) < 0)
		printf("  step %d: the judge failed on the original\n", step);
	for (i = 0; i < n; i++) {
		const struct target_result *r = &res[i];
		printf("  step %d  %-7s x%6.3f (noise %.3f)  %s\n", step, target_verdict_name(r->verdict),
		       r->timed ? r->timing.speedup : 0.0, r->timed ? r->timing.noise : 0.0,
		       used.v[i]);
		if (r->verdict != TV_OK)
			printf("           %s%s%s\n", r->rule ? r->rule : "", r->rule ? ": " : "",
			       r->reason);
		if (r->verdict == TV_OK && r->timed && r->timing.faster &&
		    r->timing.speedup > floor * (1 + r->timing.noise) &&
		    r->timing.speedup > win->speedup) {
			free(win->variant);
			free(win->plan);
			win->variant = xstrdup(vs[i]);
			win->plan = xstrdup(used.v[i]);
			win->speedup = r->timing.speedup;
		}
	}
	for (i = 0; i < n; i++)
		target_result_release(&res[i]);
	free(res);
	free_variants(vs, n);
	strvec_clear(&plans);
	strvec_clear(&used);
	return n;
}

/* Greedy chain: each step applies every plan of the current best once. */
static double bench_kernel(const char *name, int max_steps, size_t *ret_judged)
{
	struct tt x;
	char *path = sols_path(name), *cur;
	double best = 1.0, t0 = now_s();
	size_t judged = 0;
	int step;
	struct strbuf chain = STRBUF_INIT;

	if (tt_load(&x, path, name, "gcc") < 0) {
		free(path);
		return 1.0;
	}
	printf("%s\n", name);
	cur = xstrdup(x.orig);
	for (step = 1; step <= max_steps; step++) {
		struct bench_step win = { NULL, NULL, 0.0 };
		judged += bench_step(&x, cur, step, best, &win);
		if (!win.variant)
			break;
		printf("  step %d best x%.3f: %s\n", step, win.speedup, win.plan);
		strbuf_addf(&chain, "%s%s", chain.len ? " -> " : "", win.plan);
		free(cur);
		cur = win.variant;
		best = win.speedup;
		free(win.plan);
	}
	printf("%-11s best x%.3f after %d step(s), %zu candidates, %.0f s\n  chain: %s\n", name,
	       best, step - 1, judged, now_s() - t0, chain.len ? chain.buf : "(none)");
	if (getenv("ACCC_TUNER_SHOW_BEST"))
		printf("%s\n", cur);
	free(cur);
	strbuf_release(&chain);
	tt_release(&x);
	free(path);
	*ret_judged += judged;
	return best;
}

static int bench(int max_steps)
{
	double logsum = 0, t0 = now_s();
	size_t k, nr = 0, judged = 0;
	struct strbuf table = STRBUF_INIT;

	printf("builtin::tuner on sols/host, gcc -O2, greedy up to %d steps; "
	       "speedup = judge's median paired ratio against the original\n", max_steps);
	for (k = 0; sols[k]; k++) {
		double s;
		if (!wanted(sols[k]))
			continue;
		s = bench_kernel(sols[k], max_steps, &judged);
		strbuf_addf(&table, "%-11s x%.3f\n", sols[k], s);
		logsum += log(s);
		nr++;
	}
	printf("\nsummary\n%s", table.buf);
	printf("geometric mean x%.3f over %zu kernels, %zu candidates judged, %.0f s\n",
	       nr ? exp(logsum / (double)nr) : 1.0, nr, judged, now_s() - t0);
	strbuf_release(&table);
	return 0;
}

/* --chain KERNEL I J ...: apply plan number I (1-based) of the original,
 * then plan J of the result, ...; print the variant and judge it. */
static int chain(int argc, char **argv)
{
	struct tt x;
	char *path = sols_path(argv[0]), *cur;
	struct target_result res;
	int i;

	if (tt_load(&x, path, argv[0], "gcc") < 0)
		return 1;
	cur = xstrdup(x.orig);
	for (i = 1; i < argc; i++) {
		struct strvec plans = STRVEC_INIT;
		long k = atol(argv[i]) - 1;
		char *next;
		tt_plans(&x, cur, &plans);
		if (k < 0 || (size_t)k >= plans.nr) {
			printf("no plan %s\n", argv[i]);
			return 1;
		}
		printf("-- %s\n", plans.v[k]);
		next = tt_apply(&x, cur, plans.v[k]);
		strvec_clear(&plans);
		if (!next)
			return 1;
		free(cur);
		cur = next;
	}
	printf("%s\n", cur);
	if (tt_judge(&x, &cur, 1, 1, &res) == 0) {
		printf("%s x%.3f (noise %.3f): %s%s%s\n%s\n", target_verdict_name(res.verdict),
		       res.timed ? res.timing.speedup : 0.0, res.timed ? res.timing.noise : 0.0,
		       res.rule ? res.rule : "", res.rule ? ": " : "", res.reason,
		       res.detail ? res.detail : "");
		target_result_release(&res);
	}
	free(cur);
	tt_release(&x);
	free(path);
	return 0;
}

int main(int argc, char **argv)
{
	struct strbuf tmp = STRBUF_INIT;

	hostinfo_read(&host);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "--bench"))
		return bench(argc > 2 ? atoi(argv[2]) : 4);
	if (argc > 2 && !strcmp(argv[1], "--chain"))
		return chain(argc - 2, argv + 2);
	if (argc > 2 && !strcmp(argv[1], "--show"))
		return show(argv[2], argc > 3 ? atoi(argv[3]) : 1);
	if (!getenv("ACCC_SRC")) {
		printf("skip: ACCC_SRC is not set (run through ctest)\n");
		return 77;
	}
	if (make_tmpdir(&tmp, "test-tuner") < 0)
		return 1;
	tmp_dir = tmp.buf;
	test_small();
	test_isa_and_compiler();
	test_sols_rules();
	test_sols();
	test_chains();
	rm_rf(tmp.buf);
	strbuf_release(&tmp);
	return check_done();
}
