/*
 * From a kernel to its variant: key, cache (local, then remote, remote
 * entries re-checked on this machine before first use), and on a miss in
 * optimize mode the search, under a per-key lock so that a `make -j` searches
 * each kernel once while the other processes wait for its result.  Every
 * failure here means "use the original kernel"; it is logged and counted.
 */
#include "args.h"
#include "cache.h"
#include "cache_key.h"
#include "compiler.h"
#include "config.h"
#include "core.h"
#include "fs.h"
#include "kdesc.h"
#include "key.h"
#include "normalize.h"
#include "log.h"
#include "search.h"
#include "target.h"
#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct optimizer {
	const char *cc;
	const struct compile_args *ca;
	struct cache *cache;
	struct strbuf compiler_id;
	int search;                 /* mode = optimize */
	/* the kernel being looked up, for the verify callback */
	const struct detect *d;
	size_t ki;
	const struct kdesc *kd;
	/* final answers: the cache entries they came from; anything else
	 * (a miss in cached mode, a failed search) counts as not final */
	struct strvec final_keys;
	int not_final;
	int stored;                 /* the last search stored its result */
	struct optimizer_outcome last;
};

static int same_tokens(const char *a, const char *b)
{
	struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;
	int ret;

	normalize_c(a, strlen(a), &x);
	normalize_c(b, strlen(b), &y);
	ret = !strcmp(x.buf, y.buf);
	strbuf_release(&x);
	strbuf_release(&y);
	return ret;
}

/* Correctness of an entry's variant on this machine (no timing). */
static int verify_entry(const struct cache_entry *e, void *data)
{
	struct optimizer *o = data;
	const struct target *t = target_find(e->target ? e->target : "host");
	struct strbuf unit = STRBUF_INIT;
	struct target_options opt;
	struct target_result res;
	const char *cand;
	int ret;

	struct strbuf norm = STRBUF_INIT, notes = STRBUF_INIT, why = STRBUF_INIT;

	/* an entry is a variant in normal form (answer.h): anything else,
	 * whatever a teammate's accc stored, is refused */
	if (kdesc_variant(o->d, o->ki, NULL, e->source.buf, &norm, &notes, &why) < 0 ||
	    !same_tokens(norm.buf, e->source.buf)) {
		log_msg("verify of '%s' from a remote: not a variant in normal form (%s%s)",
			e->kernel, why.len ? why.buf : "", notes.buf);
		strbuf_release(&norm);
		strbuf_release(&notes);
		strbuf_release(&why);
		return -1;
	}
	strbuf_release(&norm);
	strbuf_release(&notes);
	strbuf_release(&why);
	if (!t || kdesc_candidate(o->d, o->ki, e->source.buf, &unit) < 0) {
		strbuf_release(&unit);
		return 1; /* cannot tell */
	}
	target_options_init(&opt);
	opt.no_timing = 1;
	opt.lock_dir = NULL;
	cand = unit.buf;
	memset(&res, 0, sizeof(res));
	if (t->evaluate(&o->kd->tk, &cand, 1, &opt, &res) < 0)
		ret = 1;
	else
		ret = res.verdict == TV_OK ? 0 : -1;
	log_msg("verify of '%s' from a remote: %s (%s)", e->kernel,
		ret == 0 ? "correct" : ret < 0 ? "wrong" : "cannot tell",
		res.reason ? res.reason : "");
	target_result_release(&res);
	strbuf_release(&unit);
	return ret;
}

struct optimizer *optimizer_new(const char *cc, const struct compile_args *ca)
{
	struct optimizer *o = xcalloc(1, sizeof(*o));
	struct cache_config cfg = CACHE_CONFIG_INIT;

	o->cc = cc;
	o->ca = ca;
	strvec_init(&o->final_keys);
	strbuf_init(&o->compiler_id, 0);
	o->search = !strcmp(config_get("mode"), "optimize");
	cache_config_from_driver(&cfg);
	cfg.verify_fn = verify_entry;
	cfg.verify_data = o;
	o->cache = cache_open(&cfg);
	if (!o->cache)
		error("cannot open the cache; compiling the original kernels");
	return o;
}

int optimizer_all_final(const struct optimizer *o)
{
	return o->cache && !o->not_final;
}

const struct strvec *optimizer_final_keys(const struct optimizer *o)
{
	return &o->final_keys;
}

void optimizer_free(struct optimizer *o)
{
	if (!o)
		return;
	strvec_clear(&o->final_keys);
	cache_free(o->cache);
	strbuf_release(&o->compiler_id);
	free(o);
}

/*
 * The compiler's identity, remembered per compiler binary (by its resolved
 * path, size and mtime) under <dir>/compilers/: running `cc --version` and
 * `cc -dumpmachine` costs milliseconds on every kernel compile otherwise.
 */
static int compiler_identity(const char *cc, struct strbuf *out)
{
	struct strbuf found = STRBUF_INIT, memo = STRBUF_INIT, stamp = STRBUF_INIT;
	struct key_builder kb;
	struct stat st;
	char *real = NULL, hex[33];
	int ret;

	if (strchr(cc, '/'))
		strbuf_addstr(&found, cc);
	else if (find_in_path(&found, cc, NULL, NULL, NULL) < 0)
		goto run;
	real = realpath(found.buf, NULL);
	if (!real || stat(real, &st) < 0)
		goto run;
	strbuf_addf(&stamp, "%s %lld %lld.%09ld\n", real, (long long)st.st_size,
		    (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	key_init(&kb);
	key_addstr(&kb, "compiler", real);
	key_final(&kb, hex);
	strbuf_addf(&memo, "%s/compilers/%s", config_get("dir"), hex);
	{
		struct strbuf text = STRBUF_INIT;
		if (strbuf_read_file(&text, memo.buf, 1 << 16) == 0 &&
		    starts_with(text.buf, stamp.buf) && text.len > stamp.len) {
			strbuf_add(out, text.buf + stamp.len, strcspn(text.buf + stamp.len, "\n"));
			strbuf_release(&text);
			ret = 0;
			goto out;
		}
		strbuf_release(&text);
	}
run:
	ret = key_compiler_identity(cc, out);
	if (!ret && stamp.len) {
		struct strbuf dir = STRBUF_INIT;
		path_dirname(&dir, memo.buf);
		strbuf_addf(&stamp, "%s\n", out->buf);
		if (mkdir_p(dir.buf, 0755) == 0)
			write_file_atomic(memo.buf, stamp.buf, stamp.len, 0644);
		strbuf_release(&dir);
	}
out:
	free(real);
	strbuf_release(&found);
	strbuf_release(&memo);
	strbuf_release(&stamp);
	return ret;
}

static int kernel_key(struct optimizer *o, const struct detect *d, size_t ki,
		      const char *output, struct strbuf *fp, char ret_key[33])
{
	const struct kernel *k = detect_kernel(d, ki);
	const struct target *t = target_find(k->pragma.target);
	struct strbuf debug = STRBUF_INIT;
	const char *dbg = getenv("ACCC_DEBUG_KEY");
	struct key_inputs in;
	int ret;

	if (!t || t->fingerprint(fp) < 0) {
		/* a target without its hardware (no GPU): the one warning line
		 * of the build, the reason from the fingerprint's "error" line */
		const char *why = fp->buf ? strstr(fp->buf, "error ") : NULL;
		warning("target '%s' is not available for '%s' (%.*s); using the original "
			"kernel", k->pragma.target, k->name,
			why ? (int)strcspn(why + 6, "\n") : 7, why ? why + 6 : "unknown");
		return -1;
	}
	if (!o->compiler_id.len && compiler_identity(o->cc, &o->compiler_id) < 0)
		return -1;
	if (output && dbg && *dbg && strcmp(dbg, "0"))
		strbuf_addf(&debug, "%s.%s.accc-key", output, k->name);
	in.fingerprint = fp->buf;
	in.compiler = o->compiler_id.buf;
	in.flags = o->ca->key_flags.v;
	in.policy = (unsigned)t->policy_version;
	in.debug_path = debug.len ? debug.buf : NULL;
	ret = key_kernel(d, ki, &in, ret_key);
	strbuf_release(&debug);
	return ret;
}

/*
 * The lock making one process search a key while the others wait.  Sets
 * *ret_waited when another process held it (then its result is probably in
 * the cache now), or when a search ended (the holder touches the lock file
 * as it ends) since `since`, the coarse clock before this process's lookup:
 * a search that fails fast (the LLM is down) may end between that lookup
 * and this lock, and is then the search this process would have waited
 * for, however the processes were scheduled.
 */
static int lock_key(const char *key, const struct timespec *since, int *ret_waited)
{
	char *dir = xstrfmt("%s/locks", config_get("dir"));
	char *path = xstrfmt("%s/%s.lock", dir, key);
	int fd = -1;

	*ret_waited = 0;
	if (mkdir_p(dir, 0755) == 0)
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0) {
		*ret_waited = 1;
		log_msg("waiting for another process searching %s", key);
		if (flock(fd, LOCK_EX) < 0) {
			close(fd);
			fd = -1;
		}
	}
	if (fd >= 0 && !*ret_waited) {
		struct stat st;
		/* a new lock file is empty: only an ended search wrote to it */
		if (!fstat(fd, &st) && st.st_size > 0 && (st.st_mtim.tv_sec > since->tv_sec ||
					(st.st_mtim.tv_sec == since->tv_sec &&
					 st.st_mtim.tv_nsec >= since->tv_nsec)))
			*ret_waited = 1;
	}
	if (fd < 0)
		error("cannot lock '%s': %s", path, strerror(errno));
	free(dir);
	free(path);
	return fd;
}

/* The pragma's budget(...) clause wins over the configuration. */
static void budget_override(struct search_config *c, const struct pragma *p)
{
	if (p->budget_iterations)
		c->iterations = (int)p->budget_iterations;
	if (p->budget_beam)
		c->beam = (int)p->budget_beam;
	if (p->budget_plans)
		c->plans = (int)p->budget_plans;
	if (p->budget_samples)
		c->samples = (int)p->budget_samples;
}

/* Whether the search uses no network model (builtin::tuner only). */
static int only_builtin(const struct search_config *c)
{
	size_t i;

	for (i = 0; i < c->plan_models.nr; i++)
		if (!starts_with(c->plan_models.v[i], "builtin::"))
			return 0;
	for (i = 0; i < c->code_models.nr; i++)
		if (!starts_with(c->code_models.v[i], "builtin::"))
			return 0;
	return 1;
}

/*
 * builtin::tuner alone is deterministic: it lists its plans best first, and
 * a second sample or a wider beam of its own rewrites finds what a greedy
 * chain finds (tests/bench/bench_tuner.sh).  Its budgets: a beam of 1, its
 * 4 best plans, 1 sample, and a stop at the first iteration without a gain.
 * Only keys left at their defaults change; a pragma's budget() still wins.
 */
static int is_default(const char *key)
{
	return !strcmp(config_origin(key), "default");
}

static void tuner_budgets(struct search_config *c)
{
	if (!only_builtin(c))
		return;
	if (is_default("beam"))
		c->beam = 1;
	if (is_default("plans"))
		c->plans = 4;
	if (is_default("samples"))
		c->samples = 1;
	if (is_default("patience"))
		c->patience = 1;
}

static void search_config_fill(struct optimizer *o, struct search_config *c)
{
	static const char *const split = " ,";
	const char *models = config_get("models"), *pm = config_get("plan_models"),
		   *cm = config_get("code_models");
	char *copy, *tok, *save;
	struct strvec *lists[2] = { &c->plan_models, &c->code_models };
	const char *specs[2];
	int i;

	if (!*models)
		models = "builtin::tuner";
	specs[0] = *pm ? pm : models;
	specs[1] = *cm ? cm : models;
	for (i = 0; i < 2; i++) {
		copy = xstrdup(specs[i]);
		for (tok = strtok_r(copy, split, &save); tok; tok = strtok_r(NULL, split, &save))
			strvec_push(lists[i], tok);
		free(copy);
	}
	c->iterations = (int)config_get_long("iterations");
	c->beam = (int)config_get_long("beam");
	c->plans = (int)config_get_long("plans");
	c->samples = (int)config_get_long("samples");
	c->patience = (int)config_get_long("patience");
	tuner_budgets(c);
	c->dropout = config_get_double("dropout");
	c->seed = (uint64_t)config_get_long("seed");
	c->accept = !strcmp(config_get("accept"), "autocomp") ? SEARCH_ACCEPT_AUTOCOMP
							       : SEARCH_ACCEPT_STRICT;
	c->max_calls = config_get_long("max_calls");
	c->max_tokens = config_get_long("max_tokens");
	c->max_wall_s = config_get_double("max_wall");
	c->prompts_dir = prompts_dir();
	c->llm.timeout_ms = config_get_long("llm_timeout");
	c->llm.connect_timeout_ms = config_get_long("llm_connect_timeout");
	c->llm.concurrency = (int)config_get_long("llm_concurrency");
	c->llm.retries = (int)config_get_long("llm_retries");
	c->llm.down_dir = config_get("dir");
	c->llm.down_for_s = config_get_long("down_for");
	c->judge.metric = !strcmp(config_get("metric"), "instructions") ? TM_INSTRUCTIONS : TM_TIME;
	c->judge.jobs = (int)config_get_long("jobs");
	c->progress = !config_get_bool("quiet") && isatty(2);
	c->progress_lines = !config_get_bool("quiet") && !isatty(2);
	c->compiler_id = o->compiler_id.buf;
	c->parse_flags = &o->ca->parse_flags;
	budget_override(c, &detect_kernel(o->d, o->ki)->pragma);
}

/* Store the search's outcome; no winner stores the original, so that the
 * kernel is not searched again for this hardware. */
static void store_result(struct optimizer *o, const char *key, const struct kernel *k,
			 const char *fp, const struct search_result *r)
{
	struct cache_entry e;
	struct strbuf extra = STRBUF_INIT;

	cache_entry_init(&e);
	e.kernel = xstrdup(k->name);
	e.target = xstrdup(k->pragma.target);
	e.hw_fingerprint = xstrdup(fp);
	e.accc_version = xstrdup(ACCC_VERSION);
	e.policy_version = target_find(k->pragma.target)->policy_version;
	e.baseline_s = r->baseline_s;
	e.best_s = r->found ? r->best_s : r->baseline_s;
	e.speedup = r->found ? r->speedup : 1.0;
	strvec_pushv(&e.shapes, r->shapes.v);
	strvec_pushv(&e.models, r->models.v);
	strvec_pushv(&e.plans, r->plans.v);
	strbuf_addf(&extra, "{\"winner\": %s, \"metric\": \"%s\", \"llm_calls\": %ld, "
		    "\"tokens\": %ld, \"judged\": %ld", r->found ? "true" : "false",
		    r->metric ? r->metric : "time", r->calls, r->tokens_in + r->tokens_out,
		    r->judged);
	if (r->roof_missing)
		strbuf_addf(&extra, ", \"roofline\": {\"missing\": \"%s\"}}", r->roof_missing);
	else
		strbuf_addf(&extra, ", \"roofline\": {\"percent\": %.1f, \"base_percent\": %.1f}}",
			    r->roofline, r->base_roofline);
	e.extra_json = strbuf_detach(&extra, NULL);
	if (r->found)
		strbuf_addstr(&e.source, r->variant);
	else
		strbuf_add(&e.source, detect_text(o->d)->buf + k->def.start,
			   k->def.end - k->def.start);
	cache_entry_set_provenance(&e);
	cache_put(o->cache, key, &e);
	cache_entry_release(&e);
}

const struct optimizer_outcome *optimizer_outcome(const struct optimizer *o)
{
	return &o->last;
}

/* The number after "key": in an entry's extra JSON, or -1. */
static double extra_num(const char *extra, const char *key)
{
	const char *p = extra ? strstr(extra, key) : NULL;

	if (!p)
		return -1;
	p += strlen(key);
	p += strspn(p, "\": \t");
	return *p == '-' || (*p >= '0' && *p <= '9') ? strtod(p, NULL) : -1;
}

/* The one line a finished search leaves on stderr (quiet hides it; `accc
 * optimize` prints a table instead). */
static void finish_line(const struct kernel *k, const char *file,
			const struct optimizer_outcome *oc)
{
	struct strbuf sb = STRBUF_INIT;

	if (config_get_bool("quiet") || getenv("ACCC_SUMMARY_FILE"))
		return;
	strbuf_addf(&sb, "accc: %s (%s:%u): ", k->name, file, k->line);
	if (!strcmp(oc->what, "searched"))
		strbuf_addf(&sb, "%.2fx faster", oc->speedup);
	else if (!strcmp(oc->what, "failed"))
		strbuf_addf(&sb, "search failed (%s), original kept", oc->why);
	else
		strbuf_addstr(&sb, "no candidate beat the original, original kept");
	if (oc->roofline >= 0)
		strbuf_addf(&sb, ", %.0f%% of roofline", oc->roofline);
	strbuf_addf(&sb, ", %ld candidates judged in %.1f s\n", oc->candidates, oc->wall_s);
	fputs(sb.buf, stderr);
	strbuf_release(&sb);
}

/* Search the current kernel (its key's lock held); the variant, or NULL. */
static char *search_and_store(struct optimizer *o, const char *key, const char *fp)
{
	const struct kernel *k = detect_kernel(o->d, o->ki);
	const char *dir = config_get("dir");
	char *runs = xstrfmt("%s/runs", dir), *locks = xstrfmt("%s/locks", dir);
	char *progress = xstrfmt("%s/progress", locks), *store = xstrfmt("%s/responses", dir);
	char *peaks = xstrfmt("%s/peaks.json", dir);
	struct search_config sc;
	struct search_result r;
	char *ret = NULL;

	search_config_init(&sc);
	search_config_fill(o, &sc);
	sc.runs_dir = runs;
	sc.judge.lock_dir = locks;
	sc.progress_lock = progress;
	sc.judge.peaks_file = peaks;
	sc.llm.store_dir = store;
	cache_count(o->cache, "searches", 1);
	o->last.what = "failed";
	snprintf(o->last.why, sizeof(o->last.why), "see the log");
	if (access(sc.prompts_dir, R_OK | X_OK) < 0) {
		/* an install without its prompts: say where they were looked for */
		snprintf(o->last.why, sizeof(o->last.why), "no prompts folder '%s'", sc.prompts_dir);
		cache_count(o->cache, "search_errors", 1);
		warning("the search of '%s' cannot run: no prompts folder '%s' (set prompts_dir); "
			"using the original kernel", k->name, sc.prompts_dir);
	} else if (search_kernel(&sc, o->d, o->ki, o->kd, key, &r) < 0) {
		cache_count(o->cache, "search_errors", 1);
		warning("the search of '%s' failed; using the original kernel", k->name);
	} else {
		o->last.what = r.found ? "searched" : "kept original";
		o->last.why[0] = '\0';
		o->last.speedup = r.found ? r.speedup : 1.0;
		o->last.roofline = r.roof_missing ? -1 : r.roofline;
		o->last.candidates = r.judged;
		o->last.wall_s = r.wall_s;
		if (!r.found && !r.judged && !only_builtin(&sc)) {
			o->last.what = "failed";
			snprintf(o->last.why, sizeof(o->last.why), "%s",
				 r.stop_reason ? r.stop_reason : "no code came back");
		}
		finish_line(k, detect_path(o->d), &o->last);
		cache_count(o->cache, "candidates_judged", r.judged);
		cache_count(o->cache, "llm_calls", r.calls);
		cache_count(o->cache, "llm_down_skip", r.llm_down_skips);
		cache_count(o->cache, "tokens", r.tokens_in + r.tokens_out);
		if (r.found) {
			cache_count(o->cache, "winners", 1);
			ret = xstrdup(r.variant);
		}
		/* "no winner" is stored only when it means something: a search
		 * whose every LLM request failed (server down, key refused)
		 * judged nothing, and storing it would keep the kernel from
		 * being searched again once the server is back */
		if (r.found || r.judged > 0 || only_builtin(&sc)) {
			store_result(o, key, k, fp, &r);
			o->stored = 1;
		}
		else /* e2e fix: a warning, so the build shows its one line (the
		      * user learns that the LLM is unreachable), not a log line */
			warning("the search of '%s' judged no candidate (%s); using the "
				"original kernel", k->name,
				r.stop_reason ? r.stop_reason : "no code came back");
		search_result_release(&r);
	}
	search_config_release(&sc);
	free(runs);
	free(locks);
	free(progress);
	free(store);
	free(peaks);
	return ret;
}

/* An entry's variant, or NULL when it records that the original is best. */
static char *entry_variant(struct cache_entry *e)
{
	const char *w = e->extra_json ? strstr(e->extra_json, "\"winner\"") : NULL;

	/* the store re-serializes "extra" without spaces ("winner":false),
	 * so the spacing is not part of the test */
	if (w) {
		w += strlen("\"winner\"");
		w += strspn(w, " \t\n");
		if (*w == ':' && starts_with(w + 1 + strspn(w + 1, " \t\n"), "false"))
			return NULL;
	}
	return strbuf_detach(&e->source, NULL);
}

char *optimizer_variant(struct optimizer *o, const struct detect *d, size_t ki,
			const struct kdesc *kd, const char *output)
{
	const struct kernel *k = detect_kernel(d, ki);
	struct strbuf fp = STRBUF_INIT;
	struct cache_entry e;
	struct timespec since;
	char key[33], *ret = NULL;
	int fd, waited;

	o->not_final++; /* until a final answer below */
	o->stored = 0;
	memset(&o->last, 0, sizeof(o->last));
	o->last.what = "kept original";
	o->last.speedup = 1.0;
	o->last.roofline = -1;
	if (!o->cache || kernel_key(o, d, ki, output, &fp, key) < 0)
		goto out_fp;
	o->d = d;
	o->ki = ki;
	o->kd = kd;
	cache_entry_init(&e);
	/* the clock file times are stamped with */
	clock_gettime(CLOCK_REALTIME_COARSE, &since);
	if (cache_get(o->cache, key, &e) != CACHE_MISS) {
		log_msg("kernel '%s': cache hit %s", k->name, key);
		ret = entry_variant(&e);
		o->last.what = "hit";
		o->last.speedup = ret ? e.speedup : 1.0;
		o->last.roofline = extra_num(e.extra_json, ret ? "\"percent\"" : "\"base_percent\"");
		goto out_final;
	}
	log_msg("kernel '%s': cache miss %s", k->name, key);
	if (!o->search)
		goto out;
	fd = lock_key(key, &since, &waited);
	/*
	 * After waiting, the other process's result is in the cache.  Without
	 * waiting, a search could only have ended in the instant between the
	 * lookup and the lock: at worst the kernel is searched twice.
	 */
	if (waited && cache_get(o->cache, key, &e) != CACHE_MISS) {
		log_msg("kernel '%s': found after waiting for its search", k->name);
		ret = entry_variant(&e);
		o->last.what = "hit";
		o->last.speedup = ret ? e.speedup : 1.0;
		o->stored = 1;
	} else if (waited) {
		/* e2e fix: the search we waited for stored nothing (the LLM is
		 * down, or that build was interrupted).  Searching again here
		 * would repeat the failure once per waiting compile of a make
		 * -j, each paying the LLM timeouts; the next build tries again. */
		log_msg("kernel '%s': the search we waited for stored nothing; "
			"using the original", k->name);
	} else {
		ret = search_and_store(o, key, fp.buf);
		/* a search ended: see lock_key */
		if (fd >= 0 && pwrite(fd, "e", 1, 0) != 1)
			log_msg("cannot mark the end of the search in its lock file");
	}
	if (fd >= 0)
		close(fd);
	if (!o->stored)
		goto out;
out_final:
	o->not_final--;
	strvec_push(&o->final_keys, key);
out:
	cache_entry_release(&e);
out_fp:
	strbuf_release(&fp);
	return ret;
}
