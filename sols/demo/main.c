/*
 * The accc demo: calls the annotated kernels, checks every result against
 * a plain reference written here, and prints how long each kernel takes.
 * Exit status 1 when any check fails.
 */
#include "kernels.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static unsigned long long rng = 0x9e3779b97f4a7c15ull;

static double urand(void) /* [-1, 1) */
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / (double)(1ull << 52) - 1.0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int failures;

/* One line: the original's time, the optimized one's, and the ratio. */
static void times(const char *what, double orig_ms, double opt_ms)
{
	printf("  %-26s %9.3f ms %9.3f ms %7.2fx\n", what, orig_ms, opt_ms, orig_ms / opt_ms);
}

static void check(const char *what, int ok)
{
	if (!ok) {
		printf("  CHECK FAILED: %s\n", what);
		failures++;
	}
}

/* Best of `reps` runs of fn(arg), in milliseconds. */
#define BEST_MS(reps, stmt)                                                    \
	({                                                                         \
		double best_ = 1e30;                                                   \
		for (int r_ = 0; r_ < (reps); r_++) {                                  \
			double t0_ = now();                                                \
			stmt;                                                              \
			double t_ = (now() - t0_) * 1e3;                                   \
			if (t_ < best_)                                                    \
				best_ = t_;                                                    \
		}                                                                      \
		best_;                                                                 \
	})

static void demo_saxpy(void)
{
	int n = 1000000;
	float *x = malloc(n * sizeof(*x)), *y = malloc(n * sizeof(*y)), *r = malloc(n * sizeof(*r));
	for (int i = 0; i < n; i++) {
		x[i] = (float)urand();
		y[i] = r[i] = (float)urand();
	}
	saxpy(n, 2.5f, x, y);
	int ok = 1;
	for (int i = 0; i < n; i++)
		ok &= fabsf(y[i] - (2.5f * x[i] + r[i])) <= 1e-6f * (1 + fabsf(r[i]));
	check("saxpy", ok);
	times("saxpy      n=1000000", BEST_MS(20, orig_saxpy(n, 2.5f, x, y)),
	      BEST_MS(20, saxpy(n, 2.5f, x, y)));
	free(x), free(y), free(r);
}

static void demo_dot(void)
{
	int n = 1000000;
	double *x = malloc(n * sizeof(*x)), *y = malloc(n * sizeof(*y)), ref = 0, got = 0;
	for (int i = 0; i < n; i++) {
		x[i] = urand();
		y[i] = urand();
		ref += x[i] * y[i];
	}
	got = dot(n, x, y);
	check("dot", fabs(got - ref) <= 1e-9 * n);
	times("dot        n=1000000", BEST_MS(20, got += orig_dot(n, x, y)),
	      BEST_MS(20, got += dot(n, x, y)));
	free(x), free(y);
}

static void demo_sgemm(void)
{
	int n = 256, m = 256, k = 256;
	float *a = malloc(n * k * sizeof(*a)), *b = malloc(k * m * sizeof(*b));
	float *c = malloc(n * m * sizeof(*c));
	for (int i = 0; i < n * k; i++)
		a[i] = (float)urand();
	for (int i = 0; i < k * m; i++)
		b[i] = (float)urand();
	sgemm(n, m, k, a, b, c);
	int ok = 1;
	for (int t = 0; t < 200; t++) { /* spot checks */
		int i = t * 37 % n, j = t * 91 % m;
		double s = 0;
		for (int p = 0; p < k; p++)
			s += (double)a[i * k + p] * b[p * m + j];
		ok &= fabs(c[i * m + j] - s) <= 1e-3 * (1 + fabs(s));
	}
	check("sgemm", ok);
	times("sgemm      256x256x256", BEST_MS(5, orig_sgemm(n, m, k, a, b, c)),
	      BEST_MS(5, sgemm(n, m, k, a, b, c)));
	free(a), free(b), free(c);
}

static void demo_histogram(void)
{
	int n = 4000000;
	unsigned char *d = malloc(n);
	unsigned bins[256], ref[256] = { 0 };
	for (int i = 0; i < n; i++) {
		d[i] = (unsigned char)(urand() * 128 + 128);
		ref[d[i]]++;
	}
	histogram(n, d, bins);
	check("histogram", !memcmp(bins, ref, sizeof(ref)));
	times("histogram  n=4000000", BEST_MS(10, orig_histogram(n, d, bins)),
	      BEST_MS(10, histogram(n, d, bins)));
	free(d);
}

int main(void)
{
	printf("accc demo: kernels checked against plain references (best of several runs)\n");
	printf("  %-26s %12s %12s %8s\n", "kernel", "original", "optimized", "speedup");
	demo_saxpy();
	demo_dot();
	demo_sgemm();
	demo_histogram();
	printf(failures ? "%d check(s) FAILED\n" : "all checks passed\n", failures);
	return failures ? 1 : 0;
}
