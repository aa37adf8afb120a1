/*
 * Measuring this machine's peaks: an FMA loop with twelve independent
 * accumulators (enough to cover the FMA latency on both pipes of current
 * cores) and a triad, each written with intrinsics at every vector width
 * so that the measurement does not depend on how accc itself was compiled.
 * Bandwidth is the better of the triad and of a read-only pass.  Each
 * figure is the best of a few repetitions of about 20 ms.
 */
#include "peaks.h"
#include "fs.h"
#include "hostinfo.h"
#include "judge_int.h"
#include "log.h"
#include "xalloc.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define PEAKS_X86 1
#endif

const char *const peaks_level_names[PEAKS_NR_LEVELS] = { "L1", "L2", "L3", "DRAM" };

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Twelve accumulators, each a = a*m + c, `iters` times; returns a sum so
 * that nothing is optimized away. */
#define FMA12(V, SET1, FMADD, ADD, T)                                          \
	V m = SET1((T)0.999999), c = SET1((T)1e-6);                             \
	V a0 = SET1((T)0), a1 = SET1((T)1), a2 = SET1((T)2), a3 = SET1((T)3);   \
	V a4 = SET1((T)4), a5 = SET1((T)5), a6 = SET1((T)6), a7 = SET1((T)7);   \
	V a8 = SET1((T)8), a9 = SET1((T)9), a10 = SET1((T)10), a11 = SET1((T)11); \
	long i;                                                                 \
	for (i = 0; i < iters; i++) {                                           \
		a0 = FMADD(a0, m, c); a1 = FMADD(a1, m, c); a2 = FMADD(a2, m, c);     \
		a3 = FMADD(a3, m, c); a4 = FMADD(a4, m, c); a5 = FMADD(a5, m, c);     \
		a6 = FMADD(a6, m, c); a7 = FMADD(a7, m, c); a8 = FMADD(a8, m, c);     \
		a9 = FMADD(a9, m, c); a10 = FMADD(a10, m, c); a11 = FMADD(a11, m, c); \
	}                                                                       \
	a0 = ADD(ADD(ADD(a0, a1), ADD(a2, a3)), ADD(ADD(a4, a5), ADD(a6, a7)));  \
	a0 = ADD(a0, ADD(ADD(a8, a9), ADD(a10, a11)));                          \
	{                                                                       \
		T out[sizeof(V) / sizeof(T)];                                   \
		memcpy(out, &a0, sizeof(out));                                  \
		return (double)out[0];                                          \
	}

static double scalar_fma(double a, double m, double c) { return fma(a, m, c); }
static double scalar_add(double a, double b) { return a + b; }
static double scalar_set1(double v) { return v; }
static double fma_scalar(long iters) { FMA12(double, scalar_set1, scalar_fma, scalar_add, double) }

/* Triad over n doubles, `reps` passes. */
static void triad_scalar(double *a, const double *b, const double *c, long n, long reps)
{
	long r, i;
	for (r = 0; r < reps; r++)
		for (i = 0; i < n; i++)
			a[i] = b[i] + 3.0 * c[i];
}

/* Read-only streams (a dot product's traffic) go faster than a triad's
 * write-allocate; the roof is the better of the two. */
static void read_scalar(double *a, const double *b, const double *c, long n, long reps)
{
	double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	long r, i;
	for (r = 0; r < reps; r++)
		for (i = 0; i + 4 <= n; i += 4) {
			s0 += b[i] * c[i];
			s1 += b[i + 1] * c[i + 1];
			s2 += b[i + 2] * c[i + 2];
			s3 += b[i + 3] * c[i + 3];
		}
	a[0] = s0 + s1 + s2 + s3;
}

#ifdef PEAKS_X86
__attribute__((target("avx512f"))) static void read_512(double *a, const double *b, const double *c, long n, long reps)
{
	__m512d s0 = _mm512_setzero_pd(), s1 = _mm512_setzero_pd();
	long r, i;
	for (r = 0; r < reps; r++)
		for (i = 0; i + 16 <= n; i += 16) {
			s0 = _mm512_fmadd_pd(_mm512_load_pd(b + i), _mm512_load_pd(c + i), s0);
			s1 = _mm512_fmadd_pd(_mm512_load_pd(b + i + 8), _mm512_load_pd(c + i + 8), s1);
		}
	a[0] = _mm512_reduce_add_pd(_mm512_add_pd(s0, s1));
}
__attribute__((target("avx2,fma"))) static void read_256(double *a, const double *b, const double *c, long n, long reps)
{
	__m256d s0 = _mm256_setzero_pd(), s1 = _mm256_setzero_pd();
	double out[4];
	long r, i;
	for (r = 0; r < reps; r++)
		for (i = 0; i + 8 <= n; i += 8) {
			s0 = _mm256_fmadd_pd(_mm256_load_pd(b + i), _mm256_load_pd(c + i), s0);
			s1 = _mm256_fmadd_pd(_mm256_load_pd(b + i + 4), _mm256_load_pd(c + i + 4), s1);
		}
	_mm256_storeu_pd(out, _mm256_add_pd(s0, s1));
	a[0] = out[0] + out[1] + out[2] + out[3];
}

__attribute__((target("avx512f"))) static double fma_512_f32(long iters)
{ FMA12(__m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_add_ps, float) }
__attribute__((target("avx512f"))) static double fma_512_f64(long iters)
{ FMA12(__m512d, _mm512_set1_pd, _mm512_fmadd_pd, _mm512_add_pd, double) }
__attribute__((target("avx2,fma"))) static double fma_256_f32(long iters)
{ FMA12(__m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_add_ps, float) }
__attribute__((target("avx2,fma"))) static double fma_256_f64(long iters)
{ FMA12(__m256d, _mm256_set1_pd, _mm256_fmadd_pd, _mm256_add_pd, double) }
/* SSE2 has no FMA: a multiply and an add, counted as two flops too */
static __m128 sse_fma_ps(__m128 a, __m128 m, __m128 c) { return _mm_add_ps(_mm_mul_ps(a, m), c); }
static __m128d sse_fma_pd(__m128d a, __m128d m, __m128d c) { return _mm_add_pd(_mm_mul_pd(a, m), c); }
static double fma_128_f32(long iters) { FMA12(__m128, _mm_set1_ps, sse_fma_ps, _mm_add_ps, float) }
static double fma_128_f64(long iters) { FMA12(__m128d, _mm_set1_pd, sse_fma_pd, _mm_add_pd, double) }

#define TRIAD(V, W, LOAD, STORE, SET1, FMADD)                                  \
	V s = SET1(3.0);                                                        \
	long r, i;                                                              \
	for (r = 0; r < reps; r++)                                              \
		for (i = 0; i + W <= n; i += W)                                 \
			STORE(a + i, FMADD(s, LOAD(c + i), LOAD(b + i)));

__attribute__((target("avx512f"))) static void triad_512(double *a, const double *b, const double *c, long n, long reps)
{ TRIAD(__m512d, 8, _mm512_load_pd, _mm512_store_pd, _mm512_set1_pd, _mm512_fmadd_pd) }
__attribute__((target("avx2,fma"))) static void triad_256(double *a, const double *b, const double *c, long n, long reps)
{ TRIAD(__m256d, 4, _mm256_load_pd, _mm256_store_pd, _mm256_set1_pd, _mm256_fmadd_pd) }
#endif

struct width {
	const char *isa;
	int lanes_f32, lanes_f64;
	double (*f32)(long), (*f64)(long);
	void (*triad)(double *, const double *, const double *, long, long);
	void (*read)(double *, const double *, const double *, long, long);
};

static const struct width widths[] = {
#ifdef PEAKS_X86
	{ "avx512f", 16, 8, fma_512_f32, fma_512_f64, triad_512, read_512 },
	{ "avx2", 8, 4, fma_256_f32, fma_256_f64, triad_256, read_256 },
	{ "sse2", 4, 2, fma_128_f32, fma_128_f64, triad_scalar, read_scalar },
#endif
	{ "scalar", 1, 1, fma_scalar, fma_scalar, triad_scalar, read_scalar },
};

static volatile double sink;

/*
 * The best rate of a few ~20 ms runs: run(ctx, reps) does `reps` times
 * `work` units of work (flops or bytes); returns billions per second.
 */
static double best_rate(void (*run)(void *ctx, long reps), void *ctx, double work)
{
	long reps = 1;
	double best = 0, t;
	int rep;

	for (;;) { /* calibrate to about 20 ms */
		t = now();
		run(ctx, reps);
		t = now() - t;
		if (t > 0.02 || reps > (1L << 34))
			break;
		reps *= t > 0.002 ? 2 : 8;
	}
	for (rep = 0; rep < 4; rep++) {
		t = now();
		run(ctx, reps);
		t = now() - t;
		if (t > 0 && work * (double)reps / t * 1e-9 > best)
			best = work * (double)reps / t * 1e-9;
	}
	return best;
}

struct fma_ctx {
	double (*fn)(long);
};

static void run_fma(void *ctx, long reps)
{
	sink = ((struct fma_ctx *)ctx)->fn(reps << 10);
}

/* GFLOP/s of an FMA loop: 12 accumulators x lanes x 2 flops an iteration. */
static double best_gflops(double (*fn)(long), int lanes)
{
	struct fma_ctx c = { fn };
	return best_rate(run_fma, &c, 24.0 * lanes * 1024);
}

struct stream_ctx {
	void (*fn)(double *, const double *, const double *, long, long);
	double *a, *b, *c;
	long n;
};

static void run_stream(void *ctx, long reps)
{
	struct stream_ctx *s = ctx;
	s->fn(s->a, s->b, s->c, s->n, reps);
}

/* Best GB/s of the triad, or of the read-only pass (two of the three
 * arrays, 16 bytes an element), over arrays of `bytes` in all. */
static double best_gbytes(const struct width *w, long bytes, int read)
{
	struct stream_ctx s = { read ? w->read : w->triad, NULL, NULL, NULL, bytes / 24 / 16 * 16 };
	double best = 0;
	long i;

	if (s.n < 64)
		return 0;
	s.a = aligned_alloc(64, (size_t)s.n * 8);
	s.b = aligned_alloc(64, (size_t)s.n * 8);
	s.c = aligned_alloc(64, (size_t)s.n * 8);
	if (s.a && s.b && s.c) {
		for (i = 0; i < s.n; i++) {
			s.a[i] = 0;
			s.b[i] = (double)i;
			s.c[i] = 1.0 / (double)(i + 1);
		}
		best = best_rate(run_stream, &s, (read ? 16.0 : 24.0) * (double)s.n);
		sink = s.a[s.n / 2];
	}
	free(s.a);
	free(s.b);
	free(s.c);
	return best;
}

void peaks_measure(struct host_peaks *p)
{
	struct hostinfo hi;
	const struct width *w = &widths[0];
	double start;
	long dram;
	int l, lock;

	/* a peak measured while a judge times a kernel is no peak: take turns */
	lock = judge_machine_lock();
	start = now();
	memset(p, 0, sizeof(*p));
	hostinfo_read(&hi);
	while (strcmp(w->isa, "scalar") && strcmp(w->isa, "sse2") && !hostinfo_has(&hi, w->isa))
		w++;
	if (!strcmp(w->isa, "avx2") && !hostinfo_has(&hi, "fma"))
		w++;
	snprintf(p->isa, sizeof(p->isa), "%s", w->isa);
	p->gflops_f32 = best_gflops(w->f32, w->lanes_f32);
	p->gflops_f64 = best_gflops(w->f64, w->lanes_f64);
	/* sysfs may hide the caches (VMs); glibc asks cpuid.  A core reaches
	 * only its own slice of a large last level (its CCX on AMD, some tens
	 * of MB), which is all one core's triad can use: capped at 32 MB. */
	p->level_bytes[PEAKS_L1] = hi.cache[0] ? hi.cache[0] : sysconf(_SC_LEVEL1_DCACHE_SIZE);
	p->level_bytes[PEAKS_L2] = hi.cache[2] ? hi.cache[2] : sysconf(_SC_LEVEL2_CACHE_SIZE);
	p->level_bytes[PEAKS_L3] = hi.cache[3] ? hi.cache[3] : sysconf(_SC_LEVEL3_CACHE_SIZE);
	if (p->level_bytes[PEAKS_L3] > (32L << 20))
		p->level_bytes[PEAKS_L3] = 32L << 20;
	for (l = PEAKS_L1; l < PEAKS_DRAM; l++)
		if (p->level_bytes[l] > 0 && (l == PEAKS_L1 || p->level_bytes[l] > p->level_bytes[l - 1]))
			p->gbytes[l] = fmax(best_gbytes(w, p->level_bytes[l] / 2, 0),
					    best_gbytes(w, p->level_bytes[l] / 2, 1));
	dram = 4 * (p->level_bytes[PEAKS_L3] > p->level_bytes[PEAKS_L2] ? p->level_bytes[PEAKS_L3]
		    : p->level_bytes[PEAKS_L2]);
	if (dram < (64L << 20))
		dram = 64L << 20;
	p->gbytes[PEAKS_DRAM] = fmax(best_gbytes(w, dram, 0), best_gbytes(w, dram, 1));
	p->measure_s = now() - start;
	if (lock >= 0)
		close(lock);
}

static cJSON *peaks_object(const struct host_peaks *p)
{
	cJSON *o = cJSON_CreateObject(), *bw, *lv;
	int l;

	cJSON_AddStringToObject(o, "isa", p->isa);
	cJSON_AddNumberToObject(o, "gflops_f32", p->gflops_f32);
	cJSON_AddNumberToObject(o, "gflops_f64", p->gflops_f64);
	bw = cJSON_AddObjectToObject(o, "gbytes");
	lv = cJSON_AddObjectToObject(o, "level_bytes");
	for (l = 0; l < PEAKS_NR_LEVELS; l++) {
		cJSON_AddNumberToObject(bw, peaks_level_names[l], p->gbytes[l]);
		cJSON_AddNumberToObject(lv, peaks_level_names[l], (double)p->level_bytes[l]);
	}
	cJSON_AddNumberToObject(o, "measure_s", p->measure_s);
	return o;
}

void peaks_json(const struct host_peaks *p, struct strbuf *out)
{
	cJSON *o = peaks_object(p);
	char *text = cJSON_Print(o);

	strbuf_addstr(out, text);
	free(text);
	cJSON_Delete(o);
}

int peaks_save(const struct host_peaks *p, const char *path)
{
	struct strbuf fp = STRBUF_INIT, dir = STRBUF_INIT;
	cJSON *o = peaks_object(p);
	char *text;
	int ret;

	hostinfo_fingerprint(&fp);
	cJSON_AddStringToObject(o, "fingerprint", fp.buf);
	text = cJSON_Print(o);
	path_dirname(&dir, path);
	ret = mkdir_p(dir.buf, 0755) < 0 ? -1 : write_file_atomic(path, text, strlen(text), 0644);
	if (ret < 0)
		error("cannot write '%s'", path);
	free(text);
	cJSON_Delete(o);
	strbuf_release(&fp);
	strbuf_release(&dir);
	return ret;
}

static double num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);
	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

int peaks_load(struct host_peaks *p, const char *path)
{
	struct strbuf text = STRBUF_INIT, fp = STRBUF_INIT;
	cJSON *o = NULL;
	const cJSON *f, *isa;
	int l, ret = -1;

	memset(p, 0, sizeof(*p));
	if (!path || strbuf_read_file(&text, path, 1 << 20) < 0)
		goto out;
	o = cJSON_ParseWithLength(text.buf, text.len);
	f = cJSON_GetObjectItem(o, "fingerprint");
	hostinfo_fingerprint(&fp);
	if (!cJSON_IsString(f) || strcmp(f->valuestring, fp.buf))
		goto out;
	isa = cJSON_GetObjectItem(o, "isa");
	snprintf(p->isa, sizeof(p->isa), "%s", cJSON_IsString(isa) ? isa->valuestring : "");
	p->gflops_f32 = num(o, "gflops_f32");
	p->gflops_f64 = num(o, "gflops_f64");
	for (l = 0; l < PEAKS_NR_LEVELS; l++) {
		p->gbytes[l] = num(cJSON_GetObjectItem(o, "gbytes"), peaks_level_names[l]);
		p->level_bytes[l] = (long)num(cJSON_GetObjectItem(o, "level_bytes"), peaks_level_names[l]);
	}
	p->measure_s = num(o, "measure_s");
	ret = p->gflops_f32 > 0 && p->gbytes[PEAKS_DRAM] > 0 ? 0 : -1;
out:
	cJSON_Delete(o);
	strbuf_release(&text);
	strbuf_release(&fp);
	return ret;
}

int peaks_roofline(const struct host_peaks *p, double flops, double bytes,
		   double seconds, int f64, struct roofline *ret,
		   const char **ret_missing)
{
	int l;

	memset(ret, 0, sizeof(*ret));
	if (isnan(flops) && isnan(bytes)) {
		*ret_missing = "no flops() or bytes() clause";
		return -1;
	}
	if (!p || p->gbytes[PEAKS_DRAM] <= 0) {
		*ret_missing = "peaks not measured: run 'accc hw --peaks'";
		return -1;
	}
	if (!(seconds > 0)) {
		*ret_missing = "no time per call";
		return -1;
	}
	ret->precision = f64 ? "f64" : "f32";
	ret->peak_gflops = f64 ? p->gflops_f64 : p->gflops_f32;
	/* the smallest level the working set (taken as bytes per call) fits */
	for (l = PEAKS_L1; l < PEAKS_DRAM; l++)
		if (!isnan(bytes) && p->gbytes[l] > 0 && bytes <= (double)p->level_bytes[l])
			break;
	ret->level = peaks_level_names[l];
	ret->peak_gbytes = p->gbytes[l];
	if (!isnan(flops))
		ret->gflops = flops / seconds * 1e-9;
	if (!isnan(bytes))
		ret->gbytes = bytes / seconds * 1e-9;
	if (isnan(bytes)) {
		ret->bound_gflops = ret->peak_gflops;
		ret->percent = 100.0 * ret->gflops / ret->bound_gflops;
	} else if (isnan(flops)) {
		ret->bound_gflops = ret->peak_gbytes; /* GB/s here */
		ret->percent = 100.0 * ret->gbytes / ret->peak_gbytes;
	} else {
		double roof = flops / bytes * ret->peak_gbytes;
		ret->bound_gflops = roof < ret->peak_gflops ? roof : ret->peak_gflops;
		ret->percent = 100.0 * ret->gflops / ret->bound_gflops;
	}
	return 0;
}
