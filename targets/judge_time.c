/*
 * Timing.  The harness reads the clock around each call (the candidate
 * cannot interpose it: the object checks forbid defining clock functions);
 * this file decides what the samples mean:
 *
 * - rounds of (reference batch, candidate batch), the order alternating, so
 *   drift hits both; each batch runs until a minimum time and count;
 * - per round the ratio of the batch medians; the speedup is the median
 *   ratio, the noise floor is max(min_noise, 3 x the standard error of that
 *   median, from the MAD of the log-ratios); more rounds while the spread is
 *   too wide;
 * - "faster" needs speedup > 1 + noise and at least 80% of the rounds
 *   faster (a sign test);
 * - every timed call has its own inputs (HP_F_FRESH: the trial's inputs
 *   rotated by a secret per-call amount), so no memo hits; after each
 *   round the reference computes, in its own process, the outputs of the
 *   candidate's last call and of one call picked only then, which the
 *   candidate's outputs (and their hash taken during the batch) must match;
 * - every batch's claimed time must fit in the wall time the judge saw,
 *   and the last batch is re-checked after a 20 ms delay;
 * - results beyond the roofline or 20x are re-measured with the judge's own
 *   clock around each call before they are believed.
 * One process per machine measures at a time: see judge_lock().
 */
#include "fs.h"
#include "harness.h"
#include "judge_int.h"
#include "log.h"
#include "peaks.h"
#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define SUSPECT_SPEEDUP 20.0
#define SUSPECT_GFLOPS 1000.0  /* no single core does this */
#define SUSPECT_GBYTES 1000.0
#define PAIR_ROUNDS 3         /* rounds per pair of fresh processes */

/*
 * The measurement lock is one per machine, not per cache: two builds with
 * different ACCC_DIRs (or users) must not measure at once.  It is an flock
 * on MEASURE_LOCK (ACCC_MEASURE_LOCK overrides it), so the kernel drops it
 * when a holder dies.  The file is created world-readable and writable
 * (an flock needs only a read-only descriptor, so a file another user made
 * 0644 still works); opened without O_CREAT first, because a sticky /tmp
 * with protected_regular refuses O_CREAT on another user's file.  When it
 * cannot be opened at all, <lock_dir>/measure is used instead, with a
 * note in the log: builds of that cache still take turns.
 */
#define MEASURE_LOCK "/run/lock/accc-measure"
#define MEASURE_LOCK_TMP "/tmp/accc-measure.lock"

static int open_lock(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		mode_t old = umask(0);
		fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		umask(old);
		if (fd < 0 && errno == EEXIST)
			fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	return fd;
}

const char *judge_lock_path(void)
{
	const char *env = getenv("ACCC_MEASURE_LOCK");
	if (env && *env)
		return env;
	return access("/run/lock", W_OK | X_OK) == 0 ? MEASURE_LOCK : MEASURE_LOCK_TMP;
}

int judge_machine_lock(void)
{
	int fd = open_lock(judge_lock_path());

	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	return fd;
}

int judge_lock(struct judge *j)
{
	struct strbuf path = STRBUF_INIT;
	int fd;

	if (!j->opt.lock_dir)
		return 0;
	strbuf_addstr(&path, judge_lock_path());
	fd = open_lock(path.buf);
	if (fd < 0) {
		log_msg("judge: cannot open the machine's measurement lock '%s' (%s); "
			"taking turns only within '%s'", path.buf, strerror(errno), j->opt.lock_dir);
		if (mkdir_p(j->opt.lock_dir, 0777) < 0) {
			strbuf_release(&path);
			return -1;
		}
		strbuf_reset(&path);
		strbuf_addf(&path, "%s/measure", j->opt.lock_dir);
		fd = open_lock(path.buf);
	}
	if (fd < 0) {
		error("cannot open the measurement lock '%s': %s", path.buf, strerror(errno));
		strbuf_release(&path);
		return -1;
	}
	strbuf_release(&path);
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			close(fd);
			return error("cannot take the measurement lock: %s", strerror(errno));
		}
	j->lock_fd = fd;
	return 0;
}

void judge_unlock(struct judge *j)
{
	if (j->lock_fd >= 0)
		close(j->lock_fd);
	j->lock_fd = -1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median_of(double *x, size_t n)
{
	qsort(x, n, sizeof(*x), cmp_double);
	return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

void judge_stats(const double *x, size_t n, double *median, double *spread)
{
	double *c = xmalloc((n ? n : 1) * sizeof(*c)), m;
	size_t i;

	*median = *spread = 0;
	if (!n)
		goto out;
	memcpy(c, x, n * sizeof(*c));
	m = median_of(c, n);
	for (i = 0; i < n; i++)
		c[i] = fabs(x[i] - m);
	*median = m;
	*spread = m != 0 ? 1.4826 * median_of(c, n) / fabs(m) : 0;
out:
	free(c);
}

/*
 * What a candidate's timing batch committed to: every call had its own
 * inputs (HP_F_FRESH with `nonce`), and its outputs' sparse hashes.  After
 * the round, sample_check() has the reference compute, in its own process,
 * the outputs of the last call and of one call picked only now, and holds
 * the candidate to them.
 */
struct jsample {
	uint64_t nonce;
	uint32_t n;
	uint64_t *hashes;
	struct strbuf last;     /* outputs of the last call */
	union hp_scalar last_ret;
};

static void jsample_release(struct jsample *sm)
{
	free(sm->hashes);
	strbuf_release(&sm->last);
	memset(sm, 0, sizeof(*sm));
}

/* One timing batch on h: median seconds per call into *med. */
static int batch(struct judge *j, struct hproc *h, const struct jtrial *t, int keep,
		 uint32_t delay_us, int is_cand, double *med, struct jsample *sm,
		 struct target_result *res)
{
	struct strbuf reply = STRBUF_INIT;
	struct hp_run rq;
	struct jreply r;
	uint64_t counts[65], out = judge_out_bytes(j, t);
	struct iovec iov[4];
	double t0, wall, claimed = 0, timeout;
	int niov, st, ret = -1;
	uint32_t i;

	judge_run_request(j, t, &rq, counts, iov, &niov, keep);
	rq.flags |= HP_F_FRESH;
	rq.nonce = jrng_next(&j->rng) | 1;
	rq.min_ns = (uint64_t)(j->opt.min_time_s * 1e9);
	rq.min_samples = 3;
	/* bounded by the reference's pace, so a stopped clock cannot loop long */
	rq.max_samples = (uint32_t)fmin(100000.0, 100.0 + 10.0 * j->opt.min_time_s /
						   fmax(t->ref_s, 1e-7));
	rq.warmup = keep ? 1 : 2;
	rq.delay_us = delay_us;
	timeout = 5.0 + 30.0 * (j->opt.min_time_s + 6.0 * t->ref_s) + delay_us * 1e-6;
	t0 = now_s();
	st = hproc_cmd(h, HP_TIME, iov, niov, HP_R_TIME, &reply,
		       sizeof(struct hp_run_res) + 16ull * rq.max_samples + 8 * j->nbuf + 32 + out,
		       timeout);
	wall = now_s() - t0;
	if (st != HPROC_OK) {
		judge_failure(j, h, st, t, res);
		goto out;
	}
	if (judge_parse_reply(j, t, &reply, &r) < 0) {
		judge_set(res, TV_REJECTED, "channel", "malformed timing reply");
		goto out;
	}
	if (is_cand && judge_reply_checks(j, t, &r, 1, res) < 0)
		goto out;
	if (is_cand && sm) {
		jsample_release(sm);
		sm->nonce = rq.nonce;
		sm->n = r.res->nsamples;
		sm->hashes = xmalloc(8ull * sm->n);
		memcpy(sm->hashes, r.hashes, 8ull * sm->n);
		strbuf_add(&sm->last, r.out, (size_t)out);
		memcpy(&sm->last_ret, r.ret, sizeof(sm->last_ret));
	}
	for (i = 0; i < r.res->nsamples; i++)
		claimed += r.samples[i] * 1e-9;
	if (is_cand && (claimed > wall + 1e-3 || !(claimed > 0))) {
		judge_set(res, TV_REJECTED, "timing-inconsistent",
			  "the timed calls claim %.3g s but the batch took %.3g s", claimed, wall);
		goto out;
	}
	{
		double *s = xmalloc(r.res->nsamples * sizeof(*s));
		memcpy(s, r.samples, r.res->nsamples * sizeof(*s));
		*med = median_of(s, r.res->nsamples) * 1e-9;
		free(s);
	}
	ret = 0;
out:
	strbuf_release(&reply);
	return ret;
}

/* Call `call` of a fresh-input batch again on h (its buffers kept). */
static int replay(struct judge *j, struct hproc *h, const struct jtrial *t, uint64_t nonce,
		  uint32_t call, struct strbuf *reply, struct jreply *r, struct target_result *res)
{
	struct hp_run rq;
	uint64_t counts[65];
	struct iovec iov[4];
	int niov, st;

	judge_run_request(j, t, &rq, counts, iov, &niov, 1);
	rq.flags |= HP_F_FRESH;
	rq.nonce = nonce;
	rq.first_call = call;
	st = hproc_cmd(h, HP_CALL, iov, niov, HP_R_CALL, reply,
		       sizeof(struct hp_run_res) + 32 + 8 * j->nbuf + judge_out_bytes(j, t),
		       5.0 + 30.0 * t->ref_s + (double)(t->in.len + judge_out_bytes(j, t)) / 1e8);
	if (st != HPROC_OK) {
		judge_failure(j, h, st, t, res);
		return -1;
	}
	if (judge_parse_reply(j, t, reply, r) < 0) {
		judge_set(res, TV_REJECTED, "channel", "malformed reply on the judge's channel");
		return -1;
	}
	return 0;
}

/* The reference's outputs of call `call` into a trial copy *tt. */
static int ref_replay(struct judge *j, const struct jtrial *t, uint64_t nonce, uint32_t call,
		      struct strbuf *reply, struct jtrial *tt, struct target_result *res)
{
	struct jreply r;

	if (replay(j, &j->ref, t, nonce, call, reply, &r, res) < 0) {
		judge_set(res, TV_ERROR, NULL, "the original failed on a fresh timing input");
		return -1;
	}
	*tt = *t;
	tt->ref.buf = (char *)r.out;
	tt->ref.len = (size_t)judge_out_bytes(j, t);
	memcpy(&tt->ref_ret, r.ret, sizeof(tt->ref_ret));
	return 0;
}

static int sample_check(struct judge *j, struct hproc *h, const struct jtrial *t,
			const struct jsample *sm, struct target_result *res)
{
	struct strbuf rref = STRBUF_INIT, rcand = STRBUF_INIT;
	struct jtrial tt;
	struct jreply r;
	uint32_t k;
	int ret = -1;

	if (!sm->n)
		return 0;
	if (ref_replay(j, t, sm->nonce, sm->n - 1, &rref, &tt, res) < 0 ||
	    judge_compare(j, &tt, sm->last.buf, &sm->last_ret, res) < 0)
		goto out;
	if (sm->n < 2) {
		ret = 0;
		goto out;
	}
	/* one more call, picked now: the candidate could not know which */
	k = (uint32_t)(jrng_next(&j->rng) % (sm->n - 1));
	strbuf_reset(&rref);
	if (ref_replay(j, t, sm->nonce, k, &rref, &tt, res) < 0 ||
	    replay(j, h, t, sm->nonce, k, &rcand, &r, res) < 0 ||
	    judge_reply_checks(j, t, &r, 1, res) < 0 || judge_compare(j, &tt, r.out, r.ret, res) < 0)
		goto out;
	if (!(j->k->allow & TA_NONDETERMINISTIC) && !j->ref_nondet) {
		uint64_t hh = hp_hash(r.ret, j->k->ret_kind == TS_OTHER ? 0 : j->k->ret_size, 0);
		uint64_t off = 0;
		size_t b;
		for (b = 0; b < j->nbuf; b++) {
			uint64_t bytes = (uint64_t)j->shapes[t->shape].extent[b] * j->buf_esize[b];
			if (!(j->k->params[j->buf_param[b]].dir & TD_OUT))
				continue;
			hh = hp_sparse(hh, r.out + off, bytes, hp_rot(sm->nonce, k, 64, 64));
			off += bytes;
		}
		if (hh != sm->hashes[k]) {
			judge_set(res, TV_WRONG, NULL,
				  "timed call %u of %u gave other outputs than the same inputs give "
				  "when checked on %s", k + 1, sm->n, j->shapes[t->shape].text);
			goto out;
		}
	}
	ret = 0;
out:
	strbuf_release(&rref);
	strbuf_release(&rcand);
	return ret;
}

/* Robust spread (1.4826 MAD) of n log-ratios; their median into *med. */
static double log_spread(const double *lr, size_t n, double *med)
{
	double *d = xmalloc(n * sizeof(double)), spread;
	size_t i;

	memcpy(d, lr, n * sizeof(double));
	*med = median_of(d, n);
	for (i = 0; i < n; i++)
		d[i] = fabs(lr[i] - *med);
	spread = 1.4826 * median_of(d, n);
	free(d);
	return spread;
}

struct tstats {
	double speedup, noise, base, cand, base_spread, cand_spread;
	size_t rounds, wins;
	int noisy;
};

/*
 * Fresh processes for both sides: code and data addresses change with
 * every process (ASLR), and with them timings, by 10% and more for some
 * loops ("layout bias").  Rounds spread over several process pairs turn
 * that bias into measured spread instead of a systematic error.
 */
static int new_processes(struct judge *j, struct hproc *h, const char *exe,
			 const char *scratch, struct target_result *res)
{
	hproc_stop(h);
	if (judge_start(j, h, exe, scratch, 0, res) < 0)
		return -1;
	if (judge_restart_reference(j) < 0) {
		judge_set(res, TV_ERROR, NULL, "the original cannot be restarted");
		return -1;
	}
	return 0;
}

/* Interleaved rounds on one timing trial, PAIR_ROUNDS per process pair. */
static int time_trial(struct judge *j, struct hproc *h, const char *exe, const char *scratch,
		      const struct jtrial *t, struct tstats *ts, struct target_result *res)
{
	size_t want = (size_t)j->opt.rounds, n = 0, i;
	size_t cap = (size_t)j->opt.max_rounds > want ? (size_t)j->opt.max_rounds : want;
	double *bm = xcalloc(cap, sizeof(double)), *cm = xcalloc(cap, sizeof(double));
	double *lr = xcalloc(cap, sizeof(double)), med, spread;
	int ret = -1, fresh = 1;
	struct jsample sm;

	memset(&sm, 0, sizeof(sm));

	memset(ts, 0, sizeof(*ts));
	while (n < want) {
		int cand_first = n % 2;
		if (n && n % PAIR_ROUNDS == 0) {
			if (new_processes(j, h, exe, scratch, res) < 0)
				goto out;
			fresh = 1;
		}
		if (cand_first && batch(j, h, t, !fresh, 0, 1, &cm[n], &sm, res) < 0)
			goto out;
		if (batch(j, &j->ref, t, !fresh, 0, 0, &bm[n], NULL, res) < 0) {
			judge_set(res, TV_ERROR, NULL, "the original failed while being timed");
			goto out;
		}
		if (!cand_first && batch(j, h, t, !fresh, 0, 1, &cm[n], &sm, res) < 0)
			goto out;
		if (sample_check(j, h, t, &sm, res) < 0)
			goto out;
		fresh = 0;
		lr[n] = log(bm[n] / cm[n]);
		n++;
		/* too wide a spread: more rounds, up to max_rounds */
		if (n == want && want < cap && log_spread(lr, n, &med) > j->opt.max_spread)
			want = want + PAIR_ROUNDS < cap ? want + PAIR_ROUNDS : cap;
	}
	spread = log_spread(lr, n, &med);
	ts->rounds = n;
	ts->speedup = exp(med);
	ts->noise = fmax(j->opt.min_noise, expm1(3.0 * 1.2533 * spread / sqrt((double)n)));
	ts->noisy = spread > j->opt.max_spread;
	for (i = 0; i < n; i++)
		ts->wins += lr[i] > 0;
	judge_stats(bm, n, &ts->base, &ts->base_spread);
	judge_stats(cm, n, &ts->cand, &ts->cand_spread);
	ret = 0;
out:
	jsample_release(&sm);
	free(bm);
	free(cm);
	free(lr);
	return ret;
}

/*
 * Per-call time measured by the judge itself: no harness clock involved.
 * Each request runs enough calls (about 5 ms, from the harness's own
 * estimate `per_call`) that the request's round trip does not hide a real
 * speedup of a short kernel.
 */
static double strict_median(struct judge *j, struct hproc *h, const struct jtrial *t,
			    double per_call, struct target_result *res)
{
	double v[7], want = per_call > 0 ? 0.005 / per_call : 1;
	uint32_t calls = want < 1 ? 1 : want > 20000 ? 20000 : (uint32_t)want;
	int i;

	for (i = 0; i < 7; i++) {
		struct strbuf reply = STRBUF_INIT;
		struct hp_run rq;
		uint64_t counts[65];
		struct iovec iov[4];
		int niov, st;
		double t0;
		judge_run_request(j, t, &rq, counts, iov, &niov, 1);
		rq.flags |= HP_F_FRESH;
		rq.nonce = jrng_next(&j->rng) | 1;
		rq.min_samples = rq.max_samples = calls;
		t0 = now_s();
		st = hproc_cmd(h, HP_TIME, iov, niov, HP_R_TIME, &reply,
			       sizeof(struct hp_run_res) + 64 + 8 * j->nbuf +
			       16 * (size_t)calls + judge_out_bytes(j, t),
			       5.0 + 30.0 * t->ref_s * calls);
		v[i] = (now_s() - t0) / calls;
		strbuf_release(&reply);
		if (st != HPROC_OK) {
			judge_failure(j, h, st, t, res);
			return -1;
		}
	}
	return median_of(v, 7);
}

/* Where the candidate and the original stand against this machine's
 * roofline (peaks.h); roof_missing says why when they cannot. */
static void roofline_of(const struct judge *j, const struct jshape *sh,
			struct target_timing *tm)
{
	struct host_peaks p;
	struct roofline rc, rb;
	int f64 = 0, have;
	size_t i;

	for (i = 0; i < j->k->nr_params; i++)
		f64 |= j->k->params[i].is_pointer && j->k->params[i].kind == TS_DOUBLE;
	have = j->opt.peaks_file && peaks_load(&p, j->opt.peaks_file) == 0;
	if (peaks_roofline(have ? &p : NULL, sh->flops, sh->bytes, tm->cand, f64, &rc,
			   &tm->roof_missing) < 0 ||
	    peaks_roofline(&p, sh->flops, sh->bytes, tm->base, f64, &rb, &tm->roof_missing) < 0)
		return;
	tm->roofline = rc.percent;
	tm->base_roofline = rb.percent;
	tm->roof_bound = rc.bound_gflops;
	tm->peak_gflops = rc.peak_gflops;
	tm->peak_gbytes = rc.peak_gbytes;
	tm->roof_level = rc.level;
	tm->roof_precision = rc.precision;
}

static int final_checks(struct judge *j, struct hproc *h, const struct jtrial *t,
			struct target_result *res)
{
	double med;
	int threads, st, base = 1;
	struct jsample sm;

	/* the last batch again, re-hashed 20 ms after it returned */
	memset(&sm, 0, sizeof(sm));
	st = batch(j, h, t, 1, 20000, 1, &med, &sm, res) < 0 || sample_check(j, h, t, &sm, res) < 0;
	jsample_release(&sm);
	if (st)
		return -1;
	threads = hproc_threads(h);
	/* the CUDA runtime's own threads: as many as the reference has */
	if (j->cuda && j->ref_running && hproc_threads(&j->ref) > 1)
		base = hproc_threads(&j->ref);
	if (threads > base) {
		judge_set(res, TV_REJECTED, "threads", "%d threads still running after the calls",
			  threads);
		return -1;
	}
	return 0;
}

static int time_metric(struct judge *j, struct hproc *h, const char *exe,
		       const char *scratch, struct target_result *res)
{
	struct target_timing *tm = &res->timing;
	double logsum = 0, noise = 0;
	size_t nt = 0, i, rounds = 0, wins = 0;
	const struct jtrial *first = NULL, *last = NULL;

	for (i = 0; i < j->nr_trials; i++) {
		struct tstats ts;
		const struct jtrial *t = &j->trials[i];
		if (!t->timing)
			continue;
		if (time_trial(j, h, exe, scratch, t, &ts, res) < 0)
			return -1;
		last = t; /* both processes now hold its buffers (HP_F_KEEP) */
		if (!first) {
			first = t;
			tm->base = ts.base;
			tm->cand = ts.cand;
			tm->base_spread = ts.base_spread;
			tm->cand_spread = ts.cand_spread;
		}
		logsum += log(ts.speedup);
		noise = fmax(noise, ts.noise);
		rounds += ts.rounds;
		wins += ts.wins;
		tm->noisy |= ts.noisy;
		nt++;
	}
	if (!first)
		return judge_set(res, TV_ERROR, NULL, "no timing trial"), -1;
	tm->metric = "time";
	tm->speedup = exp(logsum / (double)nt);
	tm->noise = noise;
	tm->rounds = (int)rounds;
	tm->faster = tm->speedup > 1.0 + noise && wins * 5 >= rounds * 4;
	{
		const struct jshape *sh = &j->shapes[first->shape];
		if (!isnan(sh->flops) && tm->cand > 0)
			tm->gflops = sh->flops / tm->cand * 1e-9;
		if (!isnan(sh->bytes) && tm->cand > 0)
			tm->gbytes = sh->bytes / tm->cand * 1e-9;
		roofline_of(j, sh, tm);
	}
	if (final_checks(j, h, last, res) < 0)
		return -1;
	if (tm->speedup > SUSPECT_SPEEDUP || tm->gflops > SUSPECT_GFLOPS ||
	    tm->gbytes > SUSPECT_GBYTES) {
		double b = strict_median(j, &j->ref, last, tm->base, res), c;
		if (b < 0)
			return -1;
		c = strict_median(j, h, last, tm->cand, res);
		if (c < 0)
			return -1;
		tm->strict = 1;
		/*
		 * Compare the time saved per call, not the ratio: the judge's
		 * round trips add the same request and poisoning cost to both,
		 * which cancels in a difference but would squeeze a true ratio.
		 */
		if (b - c < 0.5 * (tm->base - tm->cand)) {
			judge_set(res, TV_REJECTED, "timing-inconsistent",
				  "the harness clock says a call saves %.3g s (%.3gx) but the "
				  "judge's own clock %.3g s", tm->base - tm->cand, tm->speedup, b - c);
			return -1;
		}
	}
	return 0;
}

static int instructions_metric(struct judge *j, const char *exe, const char *scratch,
			       struct target_result *res)
{
	struct target_timing *tm = &res->timing;
	struct strbuf dir = STRBUF_INIT, cache = STRBUF_INIT;
	double ir = 0;
	int ret = -1;

	if (!j->valgrind) {
		judge_set(res, TV_ERROR, NULL, "metric 'instructions' needs valgrind, which is not installed");
		goto out;
	}
	if (!j->base_ir) {
		if (judge_mkdir(j, &dir, "refcg") < 0 ||
		    judge_instructions(j, j->ref_exe, dir.buf, &j->base_ir, NULL) < 0) {
			judge_set(res, TV_ERROR, NULL, "cannot count the original's instructions");
			goto out;
		}
	}
	if (judge_instructions(j, exe, scratch, &ir, j->opt.cachegrind ? &cache : NULL) < 0 ||
	    !(ir > 0)) {
		if (res->verdict == TV_OK)
			judge_set(res, TV_ERROR, NULL, "cannot count the candidate's instructions");
		goto out;
	}
	tm->metric = "instructions";
	tm->roof_missing = "metric is instructions, not time";
	tm->base = j->base_ir;
	tm->cand = ir;
	tm->speedup = j->base_ir / ir;
	tm->noise = 0.005;
	tm->rounds = 1;
	tm->faster = tm->speedup > 1.0 + tm->noise;
	ret = 0;
out:
	if (cache.len) {
		struct strbuf fb = STRBUF_INIT;
		strbuf_addstr(&fb, res->feedback ? res->feedback : "");
		strbuf_addstr(&fb, cache.buf);
		free(res->feedback);
		res->feedback = strbuf_detach(&fb, NULL);
	}
	strbuf_release(&dir);
	strbuf_release(&cache);
	return ret;
}

int judge_time(struct judge *j, struct hproc *h, const char *exe, const char *scratch,
	       struct target_result *res)
{
	if (j->opt.metric == TM_INSTRUCTIONS)
		return instructions_metric(j, exe, scratch, res);
	if (time_metric(j, h, exe, scratch, res) < 0)
		return -1;
	if (j->opt.cachegrind && j->valgrind) {
		struct strbuf cache = STRBUF_INIT, fb = STRBUF_INIT;
		double ir;
		if (judge_instructions(j, exe, scratch, &ir, &cache) == 0 && cache.len) {
			strbuf_addstr(&fb, res->feedback ? res->feedback : "");
			strbuf_addstr(&fb, cache.buf);
			free(res->feedback);
			res->feedback = strbuf_detach(&fb, NULL);
		}
		strbuf_release(&cache);
		strbuf_release(&fb);
	}
	return 0;
}
