/*
 * Trials: random inputs per shape (two per shape, plus one timing trial per
 * benchmark shape) and their reference outputs, computed by the original
 * kernel in the reference harness process.  Generated shapes on which the
 * original itself crashes are dropped (the pragma did not rule them out,
 * but the judge cannot hold a candidate to them); the benchmark shapes must
 * work.
 */
#include "judge_int.h"
#include "log.h"
#include "xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NR_VARIATIONS 2

static int is_float(enum target_scalar k)
{
	return k == TS_FLOAT || k == TS_DOUBLE || k == TS_LDOUBLE;
}

static void store(char *dst, enum target_scalar kind, unsigned size, double v)
{
	if (kind == TS_FLOAT) {
		float f = (float)v;
		memcpy(dst, &f, 4);
	} else if (kind == TS_DOUBLE) {
		memcpy(dst, &v, 8);
	} else if (kind == TS_LDOUBLE) {
		long double l = v;
		memset(dst, 0, size);
		memcpy(dst, &l, 10);
	} else {
		int64_t i = v >= 9.2e18 ? INT64_MAX : v <= -9.2e18 ? INT64_MIN : (int64_t)v;
		if (kind == TS_UINT && v >= 9.2e18)
			i = (int64_t)(uint64_t)v;
		memcpy(dst, &i, size); /* little-endian: the low bytes */
	}
}

static double uniform(struct jrng *r, double a, double b, int integer)
{
	if (!integer)
		return a + (b - a) * jrng_unit(r);
	if (b < a)
		return a;
	return a + floor((b - a + 1) * jrng_unit(r));
}

/* Fill buffer b of trial inputs for shape sh: its init distribution, or the
 * default (see default bounds in judge_data.c). */
static void fill_buffer(struct judge *j, const struct jshape *sh, size_t b, char *dst,
			uint64_t count)
{
	size_t p = j->buf_param[b];
	const struct target_param *pp = &j->k->params[p];
	int integer = !is_float(pp->kind);
	double a = -0.75, hi = 1.25;
	enum target_dist d = pp->init;
	uint64_t i;

	if (pp->kind == TS_BOOL) {
		a = 0;
		hi = 1;
	} else if (pp->kind == TS_INT) {
		hi = pp->size == 1 ? 11 : pp->size == 2 ? 181 : pp->size == 4 ? 46000 : 3.0e9;
		a = -hi;
	} else if (pp->kind == TS_UINT) {
		a = 0;
		hi = pp->size == 1 ? 15 : pp->size == 2 ? 255 : pp->size == 4 ? 65000 : 4.0e9;
	}
	if (d != TDIST_DEFAULT && !isnan(sh->ia[p])) {
		a = sh->ia[p];
		hi = isnan(sh->ib[p]) ? a : sh->ib[p];
	}
	for (i = 0; i < count; i++) {
		double v;
		switch (d) {
		case TDIST_CONST:
			v = a;
			break;
		case TDIST_NORMAL: {
			double u = jrng_unit(&j->rng), w = jrng_unit(&j->rng);
			v = a + hi * sqrt(-2.0 * log(u > 0 ? u : 1e-300)) * cos(6.283185307179586 * w);
			if (integer)
				v = floor(v + 0.5);
			break;
		}
		case TDIST_RANGE:
			v = integer ? uniform(&j->rng, ceil(a), ceil(hi) - 1, 1) :
				      uniform(&j->rng, a, hi, 0);
			break;
		default:
			v = uniform(&j->rng, integer ? ceil(a) : a, integer ? floor(hi) : hi, integer);
		}
		store(dst + i * pp->size, pp->kind, pp->size, v);
	}
}

uint64_t judge_out_bytes(const struct judge *j, const struct jtrial *t)
{
	const struct jshape *sh = &j->shapes[t->shape];
	uint64_t n = 0;
	size_t b;
	for (b = 0; b < j->nbuf; b++)
		if (j->k->params[j->buf_param[b]].dir & TD_OUT)
			n += (uint64_t)sh->extent[b] * j->buf_esize[b];
	return n;
}

void judge_run_request(struct judge *j, const struct jtrial *t, struct hp_run *rq,
		       uint64_t *counts, struct iovec *iov, int *niov, int keep)
{
	const struct jshape *sh = &j->shapes[t->shape];
	size_t b;

	memset(rq, 0, sizeof(*rq));
	rq->flags = keep ? HP_F_KEEP : 0;
	rq->poison_seed = jrng_next(&j->rng);
	rq->min_samples = rq->max_samples = 1;
	for (b = 0; b < j->nbuf; b++)
		counts[b] = (uint64_t)sh->extent[b];
	iov[0].iov_base = rq;
	iov[0].iov_len = sizeof(*rq);
	iov[1].iov_base = sh->s;
	iov[1].iov_len = j->nparam * sizeof(union hp_scalar);
	iov[2].iov_base = counts;
	iov[2].iov_len = 8 * j->nbuf;
	*niov = 3;
	if (!keep) {
		iov[3].iov_base = t->in.buf;
		iov[3].iov_len = t->in.len;
		*niov = 4;
	}
}

static void make_inputs(struct judge *j, struct jtrial *t)
{
	const struct jshape *sh = &j->shapes[t->shape];
	size_t b;

	strbuf_init(&t->in, (size_t)sh->in_bytes);
	strbuf_init(&t->ref, 0);
	t->in_hash = xcalloc(j->nbuf + 1, sizeof(*t->in_hash));
	for (b = 0; b < j->nbuf; b++) {
		const struct target_param *pp = &j->k->params[j->buf_param[b]];
		uint64_t bytes = (uint64_t)sh->extent[b] * pp->size;
		size_t at = t->in.len;
		if (!(pp->dir & TD_IN))
			continue;
		strbuf_addchars(&t->in, 0, (size_t)bytes);
		fill_buffer(j, sh, b, t->in.buf + at, (uint64_t)sh->extent[b]);
		if (pp->dir == TD_IN)
			t->in_hash[b] = hp_hash(t->in.buf + at, bytes, 0);
	}
}

/*
 * A trial whose inputs differ from trial `prev`'s in one element, a new
 * draw of the same distribution at a random place: run right after prev at
 * the same addresses, it catches a memo keyed on a sample of the inputs.
 */
static void make_variation(struct judge *j, struct jtrial *t, const struct jtrial *prev)
{
	const struct jshape *sh = &j->shapes[t->shape];
	size_t b, at = 0, nin = 0, pick, k;

	strbuf_init(&t->in, 0);
	strbuf_add(&t->in, prev->in.buf, prev->in.len);
	strbuf_init(&t->ref, 0);
	t->in_hash = xcalloc(j->nbuf + 1, sizeof(*t->in_hash));
	for (b = 0; b < j->nbuf; b++)
		nin += (j->k->params[j->buf_param[b]].dir & TD_IN) && sh->extent[b] > 0;
	pick = nin ? (size_t)(jrng_next(&j->rng) % nin) : 0;
	for (b = 0; b < j->nbuf; b++) {
		const struct target_param *pp = &j->k->params[j->buf_param[b]];
		uint64_t bytes = (uint64_t)sh->extent[b] * pp->size;
		if (!(pp->dir & TD_IN))
			continue;
		if (sh->extent[b] > 0 && pick-- == 0) {
			char *e = t->in.buf + at +
				  (jrng_next(&j->rng) % (uint64_t)sh->extent[b]) * pp->size;
			char old[16];
			memcpy(old, e, pp->size);
			for (k = 0; k < 16 && !memcmp(old, e, pp->size); k++)
				fill_buffer(j, sh, b, e, 1);
		}
		if (pp->dir == TD_IN)
			t->in_hash[b] = hp_hash(t->in.buf + at, bytes, 0);
		at += (size_t)bytes;
	}
}

/*
 * The wide regime: the inputs of trial `prev` with every default-distributed
 * floating-point element scaled by WIDE_SCALE (magnitudes far beyond the
 * default range: clamps, saturations and overflow paths of the original
 * get taken), one element in eight set to zero and one in eight negated.
 * Integer defaults are wide already; init clauses are the user's contract
 * and stay as they are.  Returns 0 when no buffer qualifies.
 */
#define WIDE_SCALE 4096.0

static int make_wide(struct judge *j, struct jtrial *t, const struct jtrial *prev)
{
	const struct jshape *sh = &j->shapes[t->shape];
	size_t b, at = 0;
	int any = 0;

	strbuf_init(&t->in, 0);
	strbuf_add(&t->in, prev->in.buf, prev->in.len);
	strbuf_init(&t->ref, 0);
	t->in_hash = xcalloc(j->nbuf + 1, sizeof(*t->in_hash));
	for (b = 0; b < j->nbuf; b++) {
		const struct target_param *pp = &j->k->params[j->buf_param[b]];
		uint64_t bytes = (uint64_t)sh->extent[b] * pp->size, i;
		if (!(pp->dir & TD_IN))
			continue;
		if (pp->init == TDIST_DEFAULT && (pp->kind == TS_FLOAT || pp->kind == TS_DOUBLE))
			for (i = 0; i < (uint64_t)sh->extent[b]; i++) {
				char *e = t->in.buf + at + i * pp->size;
				uint64_t r = jrng_next(&j->rng);
				double v = pp->kind == TS_FLOAT ? (double)*(float *)(void *)e :
								  *(double *)(void *)e;
				v = (r & 7) == 0 ? 0.0 : v * WIDE_SCALE * ((r >> 3 & 7) == 0 ? -1 : 1);
				store(e, pp->kind, pp->size, v);
				any = 1;
			}
		if (pp->dir == TD_IN)
			t->in_hash[b] = hp_hash(t->in.buf + at, bytes, 0);
		at += (size_t)bytes;
	}
	return any;
}

/* Whether every floating-point reference output of t is finite. */
static int ref_finite(struct judge *j, const struct jtrial *t)
{
	const struct jshape *sh = &j->shapes[t->shape];
	uint64_t off = 0, i;
	size_t b;

	for (b = 0; b < j->nbuf; b++) {
		const struct target_param *pp = &j->k->params[j->buf_param[b]];
		if (!(pp->dir & TD_OUT))
			continue;
		for (i = 0; i < (uint64_t)sh->extent[b]; i++, off += pp->size) {
			double v;
			if (pp->kind == TS_FLOAT)
				v = *(const float *)(const void *)(t->ref.buf + off);
			else if (pp->kind == TS_DOUBLE)
				v = *(const double *)(const void *)(t->ref.buf + off);
			else
				continue;
			if (!isfinite(v))
				return 0;
		}
	}
	if (j->k->ret_kind == TS_FLOAT || j->k->ret_kind == TS_DOUBLE) {
		double v = j->k->ret_kind == TS_FLOAT ? (double)*(const float *)(const void *)t->ref_ret.raw :
							t->ref_ret.d;
		if (!isfinite(v))
			return 0;
	}
	return 1;
}

/* One reference call of trial t; reply parsed into r (pointing into reply). */
static int ref_call(struct judge *j, struct jtrial *t, struct strbuf *reply, struct jreply *r)
{
	struct hp_run rq;
	uint64_t counts[65];
	struct iovec iov[4];
	int niov, st;
	uint64_t max = sizeof(struct hp_run_res) + 16 + 8 * j->nbuf + 16 + judge_out_bytes(j, t);

	judge_run_request(j, t, &rq, counts, iov, &niov, 0);
	st = hproc_cmd(&j->ref, HP_CALL, iov, niov, HP_R_CALL, reply, max,
		       (double)j->opt.run_timeout_ms / 1000.0);
	if (st != HPROC_OK) {
		struct target_result res;
		memset(&res, 0, sizeof(res));
		judge_failure(j, &j->ref, st, t, &res);
		free(j->ref_error);
		j->ref_error = xstrfmt("the original fails on %s: %s",
				       j->shapes[t->shape].text, res.reason);
		target_result_release(&res);
		judge_restart_reference(j);
		return -1;
	}
	return judge_parse_reply(j, t, reply, r);
}

/* Elements where two reference runs differ are elements it never writes. */
static void mark_dontcare(struct judge *j, struct jtrial *t, const char *again,
			  const union hp_scalar *ret2)
{
	const struct jshape *sh = &j->shapes[t->shape];
	uint64_t off = 0, e = 0, i;
	size_t b;
	unsigned char *m = NULL;
	uint64_t total = 1;

	for (b = 0; b < j->nbuf; b++)
		if (j->k->params[j->buf_param[b]].dir & TD_OUT)
			total += (uint64_t)sh->extent[b];
	for (b = 0; b < j->nbuf; b++) {
		const struct target_param *pp = &j->k->params[j->buf_param[b]];
		if (!(pp->dir & TD_OUT))
			continue;
		for (i = 0; i < (uint64_t)sh->extent[b]; i++, e++, off += pp->size) {
			if (!memcmp(t->ref.buf + off, again + off, pp->size))
				continue;
			if (!m)
				m = xcalloc((size_t)total, 1);
			m[e] = 1;
			if (is_float(pp->kind)) {
				float f;
				double x;
				memcpy(&f, t->ref.buf + off, 4);
				memcpy(&x, t->ref.buf + off, 8);
				if (pp->kind == TS_FLOAT)
					x = f;
				if (!isnan(x))
					j->ref_nondet = 1;
			}
		}
	}
	if (j->k->ret_kind != TS_OTHER && memcmp(&t->ref_ret, ret2, j->k->ret_size)) {
		if (!m)
			m = xcalloc((size_t)total, 1);
		m[e] = 1;
		j->ref_nondet = 1;
	}
	t->dontcare = m;
	if (m)
		log_msg("judge: the original leaves some outputs of %s unwritten or varies",
			sh->text);
}

static int ref_outputs(struct judge *j, struct jtrial *t, int twice)
{
	struct strbuf reply = STRBUF_INIT;
	struct jreply r;
	int ret = -1;

	if (ref_call(j, t, &reply, &r) < 0)
		goto out;
	t->ref_s = r.samples[0] * 1e-9;
	strbuf_add(&t->ref, r.out, (size_t)judge_out_bytes(j, t));
	memcpy(&t->ref_ret, r.ret, sizeof(t->ref_ret));
	if (twice) {
		struct strbuf again = STRBUF_INIT;
		if (ref_call(j, t, &again, &r) < 0) {
			strbuf_release(&again);
			goto out;
		}
		mark_dontcare(j, t, r.out, r.ret);
		strbuf_release(&again);
	}
	ret = 0;
out:
	strbuf_release(&reply);
	return ret;
}

static void trial_free(struct jtrial *t)
{
	strbuf_release(&t->in);
	strbuf_release(&t->ref);
	free(t->in_hash);
	free(t->dontcare);
	memset(t, 0, sizeof(*t));
}

/* Two trials for every shape (cheap classes first), each second one
 * followed by NR_VARIATIONS one-element variations, then one timing trial
 * for every benchmark shape. */
int judge_make_trials(struct judge *j)
{
	static const enum jshape_class order[] = { JS_TINY, JS_RAGGED, JS_UNSEEN, JS_BENCH };
	size_t c, s, k;

	for (c = 0; c < 5; c++)
		for (s = 0; s < j->nr_shapes; s++) {
			int timing = c == 4;
			size_t first = j->nr_trials;
			if (j->shapes[s].cls != order[timing ? 3 : c])
				continue;
			for (k = 0; k < (timing ? 1u : 3u + NR_VARIATIONS); k++) {
				struct jtrial *t;
				j->trials = xrealloc(j->trials, (j->nr_trials + 1) * sizeof(*t));
				t = &j->trials[j->nr_trials++];
				memset(t, 0, sizeof(*t));
				t->shape = s;
				t->timing = timing;
				if (k == 2 + NR_VARIATIONS) {
					/* the wide regime, on the generated shapes */
					if (j->shapes[s].cls == JS_BENCH ||
					    !make_wide(j, t, &j->trials[j->nr_trials - 2])) {
						trial_free(t);
						j->nr_trials--;
						continue;
					}
				} else if (k >= 2) {
					make_variation(j, t, &j->trials[j->nr_trials - 2]);
				} else {
					make_inputs(j, t);
				}
				if (ref_outputs(j, t, k == 0 && !timing) < 0) {
					if (k != 2 + NR_VARIATIONS || !j->ref_running)
						goto failed;
					/* the original fails on wide inputs: not a regime */
					free(j->ref_error);
					j->ref_error = NULL;
					trial_free(t);
					j->nr_trials--;
				} else if (k == 2 + NR_VARIATIONS && !ref_finite(j, t)) {
					/* the original overflows there: not a regime */
					log_msg("judge: no wide regime on %s: the original's "
						"outputs are not finite", j->shapes[s].text);
					trial_free(t);
					j->nr_trials--;
				}
			}
			continue;
failed:
			if (j->shapes[s].cls == JS_BENCH)
				return -1;
			log_msg("judge: dropping %s: %s", j->shapes[s].text, j->ref_error);
			while (j->nr_trials > first)
				trial_free(&j->trials[--j->nr_trials]);
			free(j->ref_error);
			j->ref_error = NULL;
			if (!j->ref_running)
				return -1;
		}
	return 0;
}

void judge_free_data(struct judge *j)
{
	size_t i;
	for (i = 0; i < j->nr_trials; i++)
		trial_free(&j->trials[i]);
	free(j->trials);
	for (i = 0; i < j->nr_shapes; i++) {
		free(j->shapes[i].s);
		free(j->shapes[i].extent);
		free(j->shapes[i].ia);
		free(j->shapes[i].ib);
		free(j->shapes[i].text);
	}
	free(j->shapes);
	j->trials = NULL;
	j->shapes = NULL;
	j->nr_trials = j->nr_shapes = 0;
}
