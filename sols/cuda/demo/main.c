/* Runs each sols/cuda kernel once on its benchmark shape and prints the time. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void saxpy(int n, float a, const float *x, float *y);
float reduce(int n, const float *x);
void sgemm(int n, int m, int k, const float *a, const float *b, float *c);
void softmax(int r, int c, const float *x, float *y);
void layernorm(int r, int c, const float *x, const float *g, const float *b, float *y);
void conv2d(int h, int w, int k, const float *x, const float *f, float *y);
void stencil(int n, int m, const float *u, float *v);
void transpose(int n, int m, const float *a, float *b);

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static float *fill(size_t n)
{
	float *p = malloc(n * sizeof(float));
	for (size_t i = 0; i < n; i++)
		p[i] = (float)((i * 2654435761u) % 1000) / 1000.0f - 0.25f;
	return p;
}

#define RUN(name, call) do { double t = now(); call; printf("%-10s %9.3f ms\n", name, (now() - t) * 1e3); } while (0)

int main(void)
{
	int n = 1 << 24, s = 4096, g = 1024;
	float *x = fill((size_t)s * s), *y = fill((size_t)s * s), *z = fill((size_t)s * s);
	float *gb = fill(s), *bb = fill(s), sum = 0;

	RUN("saxpy", saxpy(n, 2.0f, x, y));
	RUN("reduce", sum = reduce(n, x));
	RUN("sgemm", sgemm(g, g, g, x, y, z));
	RUN("softmax", softmax(s, s, x, z));
	RUN("layernorm", layernorm(s, s, x, gb, bb, z));
	RUN("conv2d", conv2d(2048, 2048, 5, x, gb, z));
	RUN("stencil", stencil(s, s, x, z));
	RUN("transpose", transpose(s, s, x, z));
	printf("check %g %g\n", sum, z[12345]);
	return 0;
}
