/* kernel: saxpy
 * expect: rejected define
 * runtime: skip
 * Replaces memcmp, which a harness might use to compare results. */
#include <stddef.h>

int memcmp(const void *a, const void *b, size_t n)
{
	(void)a, (void)b, (void)n;
	return 0;
}

void saxpy(int n, float a, const float *x, float *y)
{
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}
