/*
 * The adversarial corpus (tests/adversarial, see its README): every
 * cheat is judged against the sols/host kernel it names, once with every
 * check and once with the source and object checks off, and must get the
 * verdict its header expects each time.  ACCC_ADV_ONLY=name runs one file.
 */
#include "check.h"
#include "judge.h"
#include "log.h"
#include "test_judge_util.h"

#include <dirent.h>

struct cheat {
	char *file, *name, *kernel, *expect, *runtime;
	char *src;
};

/* The value of "key:" in the header comment, trimmed; caller frees. */
static char *header(const char *src, const char *key)
{
	const char *p = strstr(src, key), *end;
	if (!p)
		return NULL;
	p += strlen(key);
	while (*p == ' ')
		p++;
	end = p + strcspn(p, "\n");
	while (end > p && end[-1] == ' ')
		end--;
	return xstrndup(p, (size_t)(end - p));
}

/* "rejected rule", "crash text", "ok notfaster", "wrong": 1 when r matches;
 * "A|B" when either may (a CPU feature decides which). */
static int matches(const struct target_result *r, const char *want)
{
	char verdict[32];
	const char *rest, *bar = strchr(want, '|');
	size_t n;

	if (bar) {
		char *first = xstrndup(want, (size_t)(bar - want));
		int ok = matches(r, first) || matches(r, bar + 1);
		free(first);
		return ok;
	}
	n = strcspn(want, " ");

	snprintf(verdict, sizeof(verdict), "%.*s", (int)n, want);
	rest = want + n + (want[n] == ' ');
	if (strcmp(verdict, target_verdict_name(r->verdict)))
		return 0;
	if (!*rest)
		return 1;
	if (!strcmp(rest, "notfaster"))
		return !r->timing.faster;
	if (r->verdict == TV_REJECTED)
		return r->rule && !strcmp(r->rule, rest);
	return r->reason && strstr(r->reason, rest);
}

static int load(struct cheat **ret, const char *dir)
{
	const char *only = getenv("ACCC_ADV_ONLY");
	struct cheat *c = NULL;
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		struct cheat x;
		if (!ends_with(de->d_name, ".c"))
			continue;
		if (only && strncmp(de->d_name, only, strlen(only)))
			continue;
		memset(&x, 0, sizeof(x));
		x.file = xstrfmt("%s/%s", dir, de->d_name);
		x.name = xstrdup(de->d_name);
		x.src = tk_read(x.file);
		if (!x.src)
			continue;
		x.kernel = header(x.src, "kernel:");
		x.expect = header(x.src, "expect:");
		x.runtime = header(x.src, "runtime:");
		CHECK(x.kernel && x.expect && x.runtime);
		if (!x.kernel || !x.expect || !x.runtime)
			continue;
		c = xrealloc(c, (size_t)(n + 1) * sizeof(*c));
		c[n++] = x;
	}
	closedir(d);
	*ret = c;
	return n;
}

/* Judge the cheats of one kernel; runtime: with the static checks off. */
static void judge_group(struct cheat *c, int n, const char *kernel, int runtime)
{
	const char *flags[] = { "-O2", NULL };
	char *path = NULL, *rel = xstrfmt("sols/host/%s.c", kernel);
	const char **cands = xcalloc((size_t)n + 1, sizeof(*cands));
	struct cheat **which = xcalloc((size_t)n + 1, sizeof(*which));
	struct target_result *res;
	struct target_options opt;
	struct tk t;
	int i, m = 0;

	for (i = 0; i < n; i++) {
		const char *want = runtime ? c[i].runtime : c[i].expect;
		if (strcmp(c[i].kernel, kernel) || !strcmp(want, "skip"))
			continue;
		which[m] = &c[i];
		cands[m++] = c[i].src;
	}
	path = tk_src(rel);
	if (!m || tk_load(&t, path, kernel, "gcc", flags) < 0) {
		CHECK(m == 0);
		goto out;
	}
	res = xcalloc((size_t)m, sizeof(*res));
	target_options_init(&opt);
	opt.min_time_s = 0.005;
	opt.rounds = opt.max_rounds = 3;
	opt.run_timeout_ms = 60000;
	opt.no_static_checks = runtime;
	CHECK(host_evaluate(&t.k, cands, (size_t)m, &opt, res) == 0);
	for (i = 0; i < m; i++) {
		const char *want = runtime ? which[i]->runtime : which[i]->expect;
		int ok = matches(&res[i], want);
		CHECK(ok);
		printf("%s %-22s %-8s want %-32s got %s%s%s: %s\n", ok ? "ok  " : "FAIL",
		       which[i]->name, runtime ? "runtime" : "full", want,
		       target_verdict_name(res[i].verdict), res[i].rule ? " " : "",
		       res[i].rule ? res[i].rule : "", res[i].reason);
		target_result_release(&res[i]);
	}
	free(res);
	tk_release(&t);
out:
	free(path);
	free(rel);
	free(cands);
	free(which);
}

int main(void)
{
	static const char *const kernels[] = { "saxpy", "sgemm", "dgemv", "dot", "histogram",
					       "gain_clamp", NULL };
	char *dir = tk_src("tests/adversarial");
	struct cheat *c = NULL;
	int n = load(&c, dir), i, k, seen = 0;

	CHECK(n > 0);
	if (!getenv("ACCC_ADV_ONLY"))
		CHECK(n >= 20);
	for (i = 0; i < n; i++) {
		int known = 0;
		for (k = 0; kernels[k]; k++)
			known |= !strcmp(c[i].kernel, kernels[k]);
		CHECK(known);
		seen += known;
	}
	CHECK(seen == n);
	for (k = 0; kernels[k]; k++) {
		judge_group(c, n, kernels[k], 0);
		judge_group(c, n, kernels[k], 1);
	}
	for (i = 0; i < n; i++) {
		free(c[i].file);
		free(c[i].name);
		free(c[i].kernel);
		free(c[i].expect);
		free(c[i].runtime);
		free(c[i].src);
	}
	free(c);
	free(dir);
	return check_done();
}
