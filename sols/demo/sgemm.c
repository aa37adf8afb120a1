#include "kernels.h"

/* c[n x m] = a[n x k] * b[k x m], row-major */
#pragma autocomp target(host) in(a[n*k], b[k*m]) out(c[n*m]) \
	args(n=256, m=256, k=256) assume(n >= 1 && m >= 1 && k >= 1) tol(1e-4) \
	flops(2.0*n*m*k)
void sgemm(int n, int m, int k, const float *a, const float *b, float *c)
{
	for (int i = 0; i < n; i++)
		for (int j = 0; j < m; j++) {
			float s = 0;
			for (int p = 0; p < k; p++)
				s += a[i * k + p] * b[p * m + j];
			c[i * m + j] = s;
		}
}
