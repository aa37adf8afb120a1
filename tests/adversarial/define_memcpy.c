/* kernel: saxpy
 * expect: rejected define
 * runtime: skip
 * Replaces memcpy, which the harness uses to move data. */
#include <stddef.h>

void *memcpy(void *d, const void *s, size_t n)
{
	char *dc = d;
	const char *sc = s;
	while (n--)
		*dc++ = *sc++;
	return d;
}

void saxpy(int n, float a, const float *x, float *y)
{
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}
