/* kernel: saxpy
 * expect: crash
 * runtime: crash
 * Grabs far more memory than the kernel needs (and does not check). */
#include <stdlib.h>
#include <string.h>

void saxpy(int n, float a, const float *x, float *y)
{
	char *p = malloc((size_t)64 << 30);
	memset(p, 1, (size_t)64 << 30);
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i] + p[i] * 0.0f;
	free(p);
}
