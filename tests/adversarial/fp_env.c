/* kernel: dgemv
 * expect: rejected fp-env
 * runtime: rejected fp-env
 * Turns on flush-to-zero and leaves it on for everyone after it. */
#include <xmmintrin.h>

void dgemv(int n, int m, const double *a, const double *x, double *y)
{
	_mm_setcsr(_mm_getcsr() | 0x8040);
	for (int i = 0; i < n; i++) {
		double s = 0.0;
		for (int j = 0; j < m; j++)
			s += a[i * m + j] * x[j];
		y[i] = s;
	}
}
