/*
 * The secret side of judging: the random generator (seeded from
 * getrandom() unless a test fixes the seed), the shapes a candidate is
 * checked on, the inputs of every trial, and the reference outputs.  None
 * of it is ever handed to a candidate process except the inputs of the
 * call it is making.
 */
#include "judge_int.h"
#include "log.h"
#include "xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GEN_TRIES 48
#define MAX_ELEMS (1ull << 32)

void jrng_seed(struct jrng *r, uint64_t seed)
{
	int i;
	for (i = 0; i < 4; i++) {
		uint64_t z = (seed += 0x9e3779b97f4a7c15ull);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		r->s[i] = z ^ (z >> 31);
	}
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t jrng_next(struct jrng *r)
{
	uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

double jrng_unit(struct jrng *r)
{
	return (double)(jrng_next(r) >> 11) * 0x1.0p-53;
}

static int64_t rand_between(struct jrng *r, int64_t lo, int64_t hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int64_t)(jrng_next(r) % (uint64_t)(hi - lo + 1));
}

static double rand_normal(struct jrng *r)
{
	double u = jrng_unit(r), v = jrng_unit(r);
	return sqrt(-2.0 * log(u > 0 ? u : 1e-300)) * cos(6.283185307179586 * v);
}

static int is_float_kind(enum target_scalar k)
{
	return k == TS_FLOAT || k == TS_DOUBLE || k == TS_LDOUBLE;
}

/* ---- scalars ---- */

static void set_scalar(union hp_scalar *s, const struct target_param *p, double v)
{
	memset(s, 0, sizeof(*s));
	switch (p->kind) {
	case TS_FLOAT:
	case TS_DOUBLE:
		s->d = v;
		break;
	case TS_LDOUBLE:
		s->ld = v;
		break;
	case TS_UINT:
		s->u = v < 0 ? 0 : (uint64_t)v;
		break;
	case TS_BOOL:
		s->i = v != 0;
		break;
	default:
		s->i = (int64_t)v;
	}
}

static double get_scalar(const union hp_scalar *s, const struct target_param *p)
{
	switch (p->kind) {
	case TS_FLOAT:
	case TS_DOUBLE:
		return s->d;
	case TS_LDOUBLE:
		return (double)s->ld;
	case TS_UINT:
		return (double)s->u;
	default:
		return (double)s->i;
	}
}

/* One draw of distribution `d` over [a, b] for a scalar of kind `kind`. */
static double draw(struct jrng *r, enum target_dist d, double a, double b,
		   enum target_scalar kind)
{
	int fl = is_float_kind(kind);

	switch (d) {
	case TDIST_CONST:
		return a;
	case TDIST_NORMAL: {
		double v = a + b * rand_normal(r);
		return fl ? v : floor(v + 0.5);
	}
	case TDIST_RANGE:
		if (!fl)
			return b - 1 >= a ? (double)rand_between(r, (int64_t)ceil(a), (int64_t)ceil(b) - 1) : a;
		/* fall through */
	default:
		if (fl)
			return a + (b - a) * jrng_unit(r);
		return (double)rand_between(r, (int64_t)ceil(a), (int64_t)floor(b));
	}
}

/* Default distribution bounds when there is no init clause: floats in
 * [-0.75, 1.25) (negatives, a non-zero mean), integers over a wide range
 * that products of two still fit. */
static void default_bounds(enum target_scalar kind, unsigned size, double *a, double *b)
{
	*a = -0.75;
	*b = 1.25;
	if (kind == TS_BOOL) {
		*a = 0;
		*b = 1;
	} else if (kind == TS_INT) {
		*b = size == 1 ? 11 : size == 2 ? 181 : size == 4 ? 46000 : 3.0e9;
		*a = -*b;
	} else if (kind == TS_UINT) {
		*a = 0;
		*b = size == 1 ? 15 : size == 2 ? 255 : size == 4 ? 65000 : 4.0e9;
	}
}

/* ---- SPEC on the reference ---- */

struct spec {
	struct hp_spec_res r;
	int64_t *extent;
	double *ia, *ib;
};

/* Evaluate clause expressions for `count` value sets; out[i] filled. */
static int spec_batch(struct judge *j, const union hp_scalar *vals, size_t count,
		      struct spec *out)
{
	struct hp_spec_req rq = { (uint32_t)count, 0 };
	struct iovec iov[2] = { { &rq, sizeof(rq) },
				{ (void *)vals, count * j->nparam * sizeof(union hp_scalar) } };
	struct strbuf reply = STRBUF_INIT;
	size_t rec = sizeof(struct hp_spec_res) + 8 * j->nbuf + 16 * j->nparam, i;
	int st;

	st = hproc_cmd(&j->ref, HP_SPEC, iov, 2, HP_R_SPEC, &reply, (uint64_t)count * rec + 16,
		       30.0);
	if (st != HPROC_OK || reply.len != count * rec) {
		strbuf_release(&reply);
		if (!j->ref_error)
			j->ref_error = xstrdup("the clause expressions cannot be evaluated "
					       "(the reference harness died)");
		judge_restart_reference(j);
		return -1;
	}
	for (i = 0; i < count; i++) {
		const char *p = reply.buf + i * rec;
		memcpy(&out[i].r, p, sizeof(out[i].r));
		p += sizeof(out[i].r);
		out[i].extent = xmalloc(8 * (j->nbuf + 1));
		out[i].ia = xmalloc(8 * (j->nparam + 1));
		out[i].ib = xmalloc(8 * (j->nparam + 1));
		memcpy(out[i].extent, p, 8 * j->nbuf);
		memcpy(out[i].ia, p + 8 * j->nbuf, 8 * j->nparam);
		memcpy(out[i].ib, p + 8 * j->nbuf + 8 * j->nparam, 8 * j->nparam);
	}
	strbuf_release(&reply);
	return 0;
}

static void spec_free(struct spec *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(s[i].extent);
		free(s[i].ia);
		free(s[i].ib);
	}
	free(s);
}

/*
 * Two passes: the first gives the init bounds of scalars that are not set
 * (bound[p] == 0), which are then drawn; the second gives assumes, extents
 * and buffer init bounds with every scalar known.
 */
static struct spec *spec_shapes(struct judge *j, union hp_scalar *vals, size_t count,
				const unsigned char *bound)
{
	struct spec *s = xcalloc(count, sizeof(*s));
	size_t i, p;

	if (spec_batch(j, vals, count, s) < 0)
		goto fail;
	for (i = 0; i < count; i++)
		for (p = 0; p < j->nparam; p++) {
			const struct target_param *pp = &j->k->params[p];
			double a, b;
			if (pp->is_pointer || bound[p])
				continue;
			default_bounds(pp->kind, pp->size, &a, &b);
			if (pp->init != TDIST_DEFAULT && !isnan(s[i].ia[p])) {
				a = s[i].ia[p];
				b = isnan(s[i].ib[p]) ? a : s[i].ib[p];
			}
			set_scalar(&vals[i * j->nparam + p], pp,
				   draw(&j->rng, pp->init, a, b, pp->kind));
		}
	spec_free(s, count);
	s = xcalloc(count, sizeof(*s));
	if (spec_batch(j, vals, count, s) < 0)
		goto fail;
	return s;
fail:
	free(s);
	return NULL;
}

/* ---- shapes ---- */

static int parse_literal(const struct target_param *p, const char *text, union hp_scalar *out)
{
	char *end;
	double v = strtod(text, &end);
	if (!is_float_kind(p->kind)) {
		long long iv = strtoll(text, &end, 0);
		if (*end == '\0') {
			memset(out, 0, sizeof(*out));
			out->i = iv;
			if (p->kind == TS_BOOL)
				out->i = iv != 0;
			return 0;
		}
		v = strtod(text, &end);
	}
	if (*end)
		return error("args value '%s' of '%s' is not a number", text, p->name);
	set_scalar(out, p, v);
	return 0;
}

static void shape_text(struct judge *j, struct jshape *sh)
{
	static const char *const cls[] = { "args", "tiny", "ragged", "unseen" };
	struct strbuf sb = STRBUF_INIT;
	size_t p;

	for (p = 0; p < j->nparam; p++) {
		const struct target_param *pp = &j->k->params[p];
		if (pp->is_pointer)
			continue;
		if (sb.len)
			strbuf_addch(&sb, ' ');
		strbuf_addf(&sb, "%s=%.10g", pp->name, get_scalar(&sh->s[p], pp));
	}
	strbuf_addf(&sb, " (%s)", cls[sh->cls]);
	sh->text = strbuf_detach(&sb, NULL);
}

/* Whether spec result s for the value set v makes a valid new shape; its
 * input and output sizes go to *in and *out. */
static int shape_valid(struct judge *j, const union hp_scalar *v, const struct spec *s,
		       enum jshape_class cls, uint64_t cap, uint64_t *in, uint64_t *out)
{
	size_t b, i;

	*in = *out = 0;
	if (!s->r.ok)
		return 0;
	for (b = 0; b < j->nbuf; b++) {
		const struct target_param *pp = &j->k->params[j->buf_param[b]];
		uint64_t bytes;
		if (s->extent[b] < 0 || (uint64_t)s->extent[b] > MAX_ELEMS)
			return 0;
		bytes = (uint64_t)s->extent[b] * pp->size;
		if (pp->dir & TD_IN)
			*in += bytes;
		if (pp->dir & TD_OUT)
			*out += bytes;
	}
	if (cap && *in + *out > cap)
		return 0;
	for (i = 0; i < j->nr_shapes; i++)
		if (!memcmp(j->shapes[i].s, v, j->nparam * sizeof(*v)) ||
		    (cls != JS_BENCH && !memcmp(j->shapes[i].extent, s->extent, 8 * j->nbuf) &&
		     j->shapes[i].cls == cls))
			return 0;
	return 1;
}

/* Add the value set v as a shape if valid; returns 1 when added. */
static int add_shape(struct judge *j, const union hp_scalar *v, const struct spec *s,
		     enum jshape_class cls, uint64_t cap)
{
	struct jshape sh;

	memset(&sh, 0, sizeof(sh));
	if (!shape_valid(j, v, s, cls, cap, &sh.in_bytes, &sh.out_bytes))
		return 0;
	sh.s = xmalloc(sizeof(*v) * (j->nparam + 1));
	memcpy(sh.s, v, sizeof(*v) * j->nparam);
	sh.extent = xmalloc(8 * (j->nbuf + 1));
	memcpy(sh.extent, s->extent, 8 * j->nbuf);
	sh.ia = xmalloc(8 * (j->nparam + 1));
	sh.ib = xmalloc(8 * (j->nparam + 1));
	memcpy(sh.ia, s->ia, 8 * j->nparam);
	memcpy(sh.ib, s->ib, 8 * j->nparam);
	sh.flops = s->r.flops;
	sh.bytes = s->r.bytes;
	sh.cls = cls;
	j->shapes = xrealloc(j->shapes, (j->nr_shapes + 1) * sizeof(*j->shapes));
	j->shapes[j->nr_shapes] = sh;
	shape_text(j, &j->shapes[j->nr_shapes]);
	j->nr_shapes++;
	return 1;
}

static int bench_shapes(struct judge *j, unsigned char *bound)
{
	size_t n = j->k->nr_shapes ? j->k->nr_shapes : 1, i, p, b;
	union hp_scalar *vals = xcalloc(n * j->nparam + 1, sizeof(*vals));
	struct spec *s;
	int ret = -1;

	for (i = 0; i < j->k->nr_shapes; i++)
		for (b = 0; b < j->k->shapes[i].nr; b++)
			for (p = 0; p < j->nparam; p++) {
				const struct target_param *pp = &j->k->params[p];
				if (pp->is_pointer || strcmp(pp->name, j->k->shapes[i].binds[b].name))
					continue;
				if (parse_literal(pp, j->k->shapes[i].binds[b].value,
						  &vals[i * j->nparam + p]) < 0)
					goto out;
				if (i == 0)
					bound[p] = 1;
			}
	s = spec_shapes(j, vals, n, bound);
	if (!s)
		goto out;
	for (i = 0; i < n; i++)
		if (!add_shape(j, vals + i * j->nparam, &s[i], JS_BENCH, 0) && !s[i].r.ok) {
			free(j->ref_error);
			j->ref_error = xstrfmt("benchmark shape %zu violates the assume clauses", i + 1);
			spec_free(s, n);
			goto out;
		}
	spec_free(s, n);
	ret = j->nr_shapes ? 0 : -1;
	if (ret < 0 && !j->ref_error)
		j->ref_error = xstrdup("no valid benchmark shape");
out:
	free(vals);
	return ret;
}

/* A new value for an integer size parameter whose benchmark value is v. */
static int64_t vary(struct jrng *r, enum jshape_class cls, int64_t v, int structured)
{
	static const int64_t tiny[] = { 1, 2, 3, 4, 5, 6, 7, 9, 11, 13 };
	int64_t g = 1, x;

	if (v <= 0)
		return v;
	if (structured) { /* multiples of v's power-of-two factor, for assumes */
		while (g < 64 && v % (g * 2) == 0)
			g *= 2;
		if (cls == JS_TINY)
			return g * rand_between(r, 1, 3);
		if (cls == JS_RAGGED)
			return g * (rand_between(r, 0, (v / g) / 2) * 2 + 1);
		x = g * rand_between(r, (v / g) / 2, (v / g) + (v / g) / 4 + 1);
		return x == v ? x + g : x;
	}
	switch (cls) {
	case JS_TINY:
		x = tiny[jrng_next(r) % (sizeof(tiny) / sizeof(tiny[0]))];
		return x < v ? x : v;
	case JS_RAGGED:
		if (v < 8)
			return rand_between(r, 1, v);
		x = rand_between(r, v / 8 > 5 ? v / 8 : 5, v - 1) | 1;
		return x;
	default:
		if (v < 4)
			return v;
		x = rand_between(r, v / 2, v + v / 4);
		return x == v ? v - 1 : x;
	}
}

static void gen_class(struct judge *j, enum jshape_class cls, const unsigned char *bound,
		      uint64_t cap, int want)
{
	union hp_scalar *vals = xcalloc(GEN_TRIES * j->nparam + 1, sizeof(*vals));
	unsigned char *varied = xcalloc(j->nparam + 1, 1);
	struct spec *s;
	size_t i, p, got = 0, best = (size_t)-1, start;

	for (p = 0; p < j->nparam; p++) {
		const struct target_param *pp = &j->k->params[p];
		varied[p] = bound[p] && !pp->is_pointer &&
			    (pp->kind == TS_INT || pp->kind == TS_UINT);
	}
	for (i = 0; i < GEN_TRIES; i++) {
		union hp_scalar *v = vals + i * j->nparam;
		memcpy(v, j->shapes[0].s, j->nparam * sizeof(*v));
		for (p = 0; p < j->nparam; p++)
			if (varied[p]) {
				int64_t base = j->k->params[p].kind == TS_UINT ?
						       (int64_t)j->shapes[0].s[p].u : j->shapes[0].s[p].i;
				v[p].i = vary(&j->rng, cls, base, i >= GEN_TRIES / 2);
			}
	}
	s = spec_shapes(j, vals, GEN_TRIES, bound);
	if (!s)
		goto out;
	start = jrng_next(&j->rng) % GEN_TRIES;
	if (cls == JS_TINY) { /* the smallest valid one */
		uint64_t least = (uint64_t)-1, in, outb;
		for (i = 0; i < GEN_TRIES; i++)
			if (shape_valid(j, vals + i * j->nparam, &s[i], cls, cap, &in, &outb) &&
			    in + outb < least) {
				least = in + outb;
				best = i;
			}
		if (best != (size_t)-1)
			add_shape(j, vals + best * j->nparam, &s[best], cls, cap);
	} else {
		/* plain random values first, the assume-friendly ones after */
		for (i = 0; i < GEN_TRIES && got < (size_t)want; i++) {
			size_t half = GEN_TRIES / 2, k = i < half ? (start + i) % half : i;
			got += (size_t)add_shape(j, vals + k * j->nparam, &s[k], cls, cap);
		}
	}
	spec_free(s, GEN_TRIES);
out:
	free(vals);
	free(varied);
}

int judge_select_shapes(struct judge *j)
{
	unsigned char *bound = xcalloc(j->nparam + 1, 1);
	uint64_t cap = 0;
	size_t i, n;
	int ret = -1;

	if (bench_shapes(j, bound) < 0)
		goto out;
	n = j->nr_shapes;
	for (i = 0; i < n; i++)
		if (j->shapes[i].in_bytes + j->shapes[i].out_bytes > cap)
			cap = j->shapes[i].in_bytes + j->shapes[i].out_bytes;
	if (cap < (4u << 20))
		cap = 4u << 20;
	gen_class(j, JS_TINY, bound, cap, 1);
	gen_class(j, JS_RAGGED, bound, cap, 2);
	gen_class(j, JS_UNSEEN, bound, cap, 1);
	/* candidate runs get room for twice the largest shape, plus slack */
	j->run_mem = 2 * cap + (1ull << 30);
	for (i = 0; i < j->nr_shapes; i++)
		log_msg("judge: shape %zu: %s", i, j->shapes[i].text);
	ret = 0;
out:
	free(bound);
	return ret;
}
