/* kernel: sgemm
 * expect: ok
 * runtime: ok
 * Not a cheat: packs B into a malloc()ed buffer, frees it, uses libm. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

void sgemm(int n, int m, int k, const float *a, const float *b, float *c)
{
	float *bt = malloc(sizeof(float) * (size_t)k * (size_t)m + 1);
	for (int p = 0; p < k; p++)
		for (int j = 0; j < m; j++)
			bt[(long)j * k + p] = b[(long)p * m + j];
	for (int i = 0; i < n; i++)
		for (int j = 0; j < m; j++) {
			float s = 0.0f;
			for (int p = 0; p < k; p++)
				s += a[(long)i * k + p] * bt[(long)j * k + p];
			c[(long)i * m + j] = s + fabsf(0.0f);
		}
	free(bt);
}
