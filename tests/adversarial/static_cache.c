/* kernel: sgemm
 * expect: rejected static-data
 * runtime: wrong
 * Computes once, then replays the cached result (stale output from a
 * static cache: the timer divides one real call by many). */
#include <string.h>

static float cache[512 * 512];
static int have;

void sgemm(int n, int m, int k, const float *a, const float *b, float *c)
{
	if (have && n * m <= 512 * 512) {
		memcpy(c, cache, sizeof(float) * n * m);
		return;
	}
	for (int i = 0; i < n; i++)
		for (int j = 0; j < m; j++) {
			float s = 0.0f;
			for (int p = 0; p < k; p++)
				s += a[i * k + p] * b[p * m + j];
			c[i * m + j] = s;
		}
	if (n * m <= 512 * 512) {
		memcpy(cache, c, sizeof(float) * n * m);
		have = 1;
	}
}
