/*
 * The host judge's entry point: build everything (in parallel), then, under
 * the machine-wide measurement lock, run the reference to pick shapes and
 * compute reference outputs, and check and time each candidate against it.
 */
#include "judge.h"
#include "cleanup.h"
#include "fs.h"
#include "harness.h"
#include "judge_int.h"
#include "log.h"
#include "pool.h"
#include "sandbox.h"
#include "xalloc.h"

#include <errno.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

void judge_set(struct target_result *r, enum target_verdict v, const char *rule,
	       const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	r->verdict = v;
	free(r->reason);
	r->reason = strbuf_detach(&sb, NULL);
	free(r->rule);
	r->rule = rule ? xstrdup(rule) : NULL;
}

int judge_mkdir(struct judge *j, struct strbuf *ret, const char *name)
{
	strbuf_reset(ret);
	strbuf_addf(ret, "%s/%s", j->root.buf, name);
	if (mkdir(ret->buf, 0700) < 0 && errno != EEXIST)
		return error("cannot create '%s': %s", ret->buf, strerror(errno));
	return 0;
}

void judge_run_opts(struct judge *j, struct hproc_start_opts *o, const char *exe,
		    const char *scratch, int valgrind)
{
	static const char *const none[] = { NULL };
	memset(o, 0, sizeof(*o));
	o->exe = exe;
	o->scratch = scratch;
	o->cpu = j->cpu;
	o->mem = valgrind ? 0 : j->run_mem;
	o->cpu_s = valgrind ? 3600 : (j->opt.run_timeout_ms / 1000 + 10);
	o->wall_ms = valgrind ? 3600000 : j->opt.run_timeout_ms;
	o->valgrind = valgrind ? j->valgrind : NULL;
	o->valgrind_args = none;
	/* no seccomp on this kernel: runs go without the filter (and the
	 * sandbox description says so) rather than not at all */
	o->no_seccomp = !sandbox_probe()->seccomp;
	if (j->cuda) {
		/* the CUDA driver opens device files, maps fixed addresses and
		 * starts threads: no system-call filter, no address-space limit
		 * (targets/README.md, "cuda", says what replaces them) */
		o->no_seccomp = 1;
		o->mem = 0;
		o->gpu = 1;
	}
}

int judge_start(struct judge *j, struct hproc *h, const char *exe, const char *scratch,
		int valgrind, struct target_result *res)
{
	struct hproc_start_opts o;

	judge_run_opts(j, &o, exe, scratch, valgrind);
	if (hproc_start(h, &o, j->nparam, j->nbuf) == 0) {
		h->what = "candidate";
		return 0;
	}
	if (res) {
		if (h->has_fault || h->has_syscall || h->timed_out)
			judge_failure(j, h, h->timed_out ? HPROC_TIMEOUT : HPROC_DIED, NULL, res);
		else
			judge_set(res, TV_CRASH, NULL, "the harness did not start (exit %d%s%s)",
				  h->code, h->errmsg.len ? ": " : "", h->errmsg.buf);
	}
	hproc_stop(h);
	return -1;
}

/* The last CPU we may run on: timing runs are pinned there. */
static int pick_cpu(int want)
{
	cpu_set_t set;
	int i;

	if (want >= 0 || want == -2)
		return want == -2 ? -1 : want;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return -1;
	for (i = CPU_SETSIZE - 1; i >= 0; i--)
		if (CPU_ISSET(i, &set))
			return i;
	return -1;
}

/* Flags naming a path: it must survive the change of directory to the
 * scratch folder, so a relative one is made absolute. */
static const char *const path_flags[] = { "-I", "-iquote", "-isystem", "-idirafter",
					  "-include", "-imacros", NULL };

static void push_flag(struct strvec *out, const char *flag, const char *path)
{
	struct strbuf abs = STRBUF_INIT;
	path_absolute(&abs, path);
	strvec_pushf(out, "%s%s", flag, abs.buf);
	strbuf_release(&abs);
}

/* 1 when in[*i] is a path flag (consumed, with its argument). */
static int path_flag(struct strvec *out, const char *const *in, size_t *i)
{
	size_t k;
	for (k = 0; path_flags[k]; k++) {
		size_t n = strlen(path_flags[k]);
		if (strncmp(in[*i], path_flags[k], n))
			continue;
		if (in[*i][n]) {
			push_flag(out, path_flags[k], in[*i] + n);
			return 1;
		}
		if (in[*i + 1]) {
			push_flag(out, path_flags[k], in[++*i]);
			return 1;
		}
	}
	return 0;
}

/* The user's flags minus what would break the judge's own compile steps. */
static void filter_cflags(struct strvec *out, const char *const *in)
{
	static const char *const drop_arg[] = { "-o", "-MF", "-MT", "-MQ", "-x", NULL };
	static const char *const drop[] = { "-c", "-S", "-E", "-M", "-MM", "-MD", "-MMD",
					    "-MP", "-v", "-###", "-pipe", "-fsyntax-only",
					    "--coverage", "-pg", "-finstrument-functions", NULL };
	static const char *const drop_prefix[] = { "-Werror", "-save-temps", "-flto",
						   "-ffat-lto", "-fprofile-", "-fsanitize",
						   "-fcoverage", "-g", "-fdump-", "-fopt-info",
						   "-Rpass", NULL };
	size_t i, k;

	for (i = 0; in && in[i]; i++) {
		int skip = 0;
		for (k = 0; drop_arg[k]; k++)
			if (!strcmp(in[i], drop_arg[k])) {
				skip = 1;
				if (in[i + 1])
					i++;
			}
		for (k = 0; !skip && drop[k]; k++)
			skip = !strcmp(in[i], drop[k]);
		for (k = 0; !skip && drop_prefix[k]; k++)
			skip = starts_with(in[i], drop_prefix[k]) && strcmp(in[i], "-g0");
		if (!skip && !path_flag(out, in, &i))
			strvec_push(out, in[i]);
	}
}

static int setup(struct judge *j, const struct target_kernel *k,
		 const struct target_options *opt)
{
	size_t i, b = 0;
	struct strbuf sb = STRBUF_INIT;
	uint64_t seed = opt->seed;

	j->k = k;
	j->opt = *opt;
	if (!j->opt.min_time_s)
		j->opt.min_time_s = 0.02;
	if (!j->opt.rounds)
		j->opt.rounds = 9;
	if (!j->opt.max_rounds)
		j->opt.max_rounds = 21;
	if (!j->opt.min_noise)
		j->opt.min_noise = 0.02;
	if (!j->opt.max_spread)
		j->opt.max_spread = 0.05;
	if (!j->opt.jobs)
		j->opt.jobs = pool_cpus();
	if (!j->opt.build_timeout_ms)
		j->opt.build_timeout_ms = 60000;
	if (!j->opt.run_timeout_ms)
		j->opt.run_timeout_ms = 120000;
	j->lock_fd = -1;
	j->cpu = pick_cpu(opt->cpu);
	j->run_mem = 4ull << 30;
	strbuf_init(&j->root, 0);
	strvec_init(&j->cflags);
	if (harness_supported(k) < 0)
		return -1;
	for (i = 0; i < k->nr_params; i++)
		j->nbuf += !!k->params[i].is_pointer;
	j->nparam = k->nr_params;
	if (j->nbuf > 64)
		return error("kernel '%s' has more than 64 buffers", k->name);
	j->buf_param = xcalloc(j->nbuf + 1, sizeof(*j->buf_param));
	j->buf_name = xcalloc(j->nbuf + 1, sizeof(*j->buf_name));
	j->buf_esize = xcalloc(j->nbuf + 1, sizeof(*j->buf_esize));
	for (i = 0; i < k->nr_params; i++)
		if (k->params[i].is_pointer) {
			j->buf_param[b] = i;
			j->buf_name[b] = k->params[i].name;
			j->buf_esize[b++] = k->params[i].size;
		}
	j->buf_name[b] = "return";
	j->buf_esize[b] = k->ret_size;
	j->cc = k->cc ? k->cc : "cc";
	filter_cflags(&j->cflags, k->cflags);
	if (!seed && getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = (uint64_t)now_s() * 1000003u ^ (uint64_t)getpid();
	jrng_seed(&j->rng, seed);
	if (find_in_path(&sb, "valgrind", NULL, NULL, NULL) == 0)
		j->valgrind = strbuf_detach(&sb, NULL);
	strbuf_release(&sb);
	if (opt->work_dir) {
		if (mkdir_p(opt->work_dir, 0700) < 0)
			return -1;
		setenv("TMPDIR", opt->work_dir, 1); /* make_tmpdir honours it */
	}
	if (make_tmpdir(&sb, "judge") < 0)
		return -1;
	path_absolute(&j->root, sb.buf);
	strbuf_release(&sb);
	/* an interrupted build (make -j, Ctrl-C) leaves no scratch behind */
	j->root_cleanup = j->opt.keep ? -1 : cleanup_add_tree(j->root.buf);
	return 0;
}

static void teardown(struct judge *j)
{
	if (j->ref_running)
		hproc_stop(&j->ref);
	judge_unlock(j);
	judge_free_data(j);
	if (j->root.len && !j->opt.keep) {
		rm_rf(j->root.buf);
		cleanup_forget(j->root_cleanup);
	}
	strbuf_release(&j->root);
	strvec_clear(&j->cflags);
	objinfo_release(&j->ref_obj);
	free(j->harness_o);
	free(j->ref_o);
	free(j->ref_exe);
	free(j->buf_param);
	free(j->buf_name);
	free(j->buf_esize);
	free(j->ref_error);
	free(j->valgrind);
}

static void fail_all(struct judge *j, struct target_result *res, size_t n, const char *why)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (res[i].verdict == TV_OK)
			judge_set(&res[i], TV_ERROR, NULL, "%s", why);
}

/* The -fsanitize=undefined build on the small shapes, when there is one. */
static int sanitized(struct judge *j, const char *dir, struct target_result *res)
{
	char *exe = xstrfmt("%s/cand_ub", dir);
	struct hproc h;
	int ret = 0;

	if (!j->cuda && access(exe, X_OK) == 0) {
		if (judge_start(j, &h, exe, dir, 0, res) < 0) {
			ret = -1;
		} else {
			ret = judge_check(j, &h, 1, res);
			hproc_stop(&h);
		}
		if (ret < 0 && res->verdict == TV_CRASH && res->signal == SIGILL) {
			char *why = res->reason;
			res->reason = NULL;
			judge_set(res, TV_CRASH, "ubsan", "undefined behavior (the -fsanitize=undefined "
				  "build trapped): %s", why);
			free(why);
		}
	}
	free(exe);
	return ret;
}

/* Correctness, then timing, of one built candidate. */
static void run_candidate(struct judge *j, const char *exe, size_t i,
			  struct target_result *res)
{
	struct strbuf dir = STRBUF_INIT, name = STRBUF_INIT;
	struct hproc h;
	double t0 = now_s();

	strbuf_addf(&name, "c%zu", i);
	if (judge_mkdir(j, &dir, name.buf) < 0) {
		judge_set(res, TV_ERROR, NULL, "cannot create a scratch folder");
		goto out;
	}
	if (judge_start(j, &h, exe, dir.buf, 0, res) < 0)
		goto out;
	if (judge_check(j, &h, 0, res) == 0 && sanitized(j, dir.buf, res) == 0) {
		res->check_s = now_s() - t0;
		t0 = now_s();
		if (!j->opt.no_timing && judge_time(j, &h, exe, dir.buf, res) == 0)
			res->timed = 1;
		res->time_s = now_s() - t0;
	} else {
		res->check_s = now_s() - t0;
	}
	hproc_stop(&h);
	if (res->verdict != TV_OK && res->verdict != TV_COMPILE_ERROR && !res->detail) {
		struct strbuf out = STRBUF_INIT;
		strbuf_addf(&out, "%s/output.txt", dir.buf);
		strbuf_reset(&name);
		if (strbuf_read_file(&name, out.buf, 4096) == 0 && name.len)
			res->detail = strbuf_detach(&name, NULL);
		strbuf_release(&out);
	}
out:
	strbuf_release(&dir);
	strbuf_release(&name);
}

static int start_reference(struct judge *j)
{
	struct strbuf dir = STRBUF_INIT;
	struct hproc_start_opts o;
	int ret = -1;

	if (judge_mkdir(j, &dir, "refrun") < 0)
		goto out;
	judge_run_opts(j, &o, j->ref_exe, dir.buf, 0);
	o.mem = 0; /* the reference is the user's code, sized by its shapes */
	if (hproc_start(&j->ref, &o, j->nparam, j->nbuf) < 0)
		goto out;
	j->ref.what = "reference";
	j->ref_running = 1;
	ret = 0;
out:
	strbuf_release(&dir);
	return ret;
}

int judge_restart_reference(struct judge *j)
{
	if (j->ref_running)
		hproc_stop(&j->ref);
	j->ref_running = 0;
	return start_reference(j);
}

int host_evaluate(const struct target_kernel *k, const char *const *cands, size_t n,
		  const struct target_options *opt, struct target_result *res)
{
	return judge_evaluate(k, cands, n, opt, NULL, res);
}

int judge_evaluate(const struct target_kernel *k, const char *const *cands, size_t n,
		   const struct target_options *opt, const struct judge_cuda *cu,
		   struct target_result *res)
{
	struct judge j;
	char **exes = xcalloc(n ? n : 1, sizeof(*exes));
	size_t i;
	int ret = -1;

	memset(&j, 0, sizeof(j));
	if (cu) {
		j.cuda = 1;
		j.nvcc = cu->nvcc;
		j.nvcc_flags = cu->nvcc_flags;
		j.cuda_lib = cu->cuda_lib;
	}
	memset(res, 0, n * sizeof(*res));
	for (i = 0; i < n; i++)
		judge_set(&res[i], TV_OK, NULL, "correct");
	if (setup(&j, k, opt) < 0) {
		fail_all(&j, res, n, "the judge cannot handle this kernel");
		goto out;
	}
	if (judge_build_reference(&j) < 0) {
		fail_all(&j, res, n, j.ref_error ? j.ref_error : "the original does not build");
		goto out;
	}
	judge_build_candidates(&j, cands, n, res, exes);
	if (judge_lock(&j) < 0 || start_reference(&j) < 0 || judge_select_shapes(&j) < 0 ||
	    judge_make_trials(&j) < 0) {
		fail_all(&j, res, n, j.ref_error ? j.ref_error : "the original cannot be run");
		goto out;
	}
	for (i = 0; i < n; i++)
		if (exes[i] && res[i].verdict == TV_OK)
			run_candidate(&j, exes[i], i, &res[i]);
	ret = 0;
out:
	teardown(&j);
	for (i = 0; i < n; i++)
		free(exes[i]);
	free(exes);
	return ret;
}
