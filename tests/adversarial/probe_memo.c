/* kernel: sgemm
 * expect: rejected static-data
 * runtime: wrong
 * A memo keyed on a sample of the inputs (three probe elements and the
 * sizes), held in static storage.  With the static checks off it is caught
 * by the calls whose inputs differ from the previous call's in one element
 * (stale outputs), and by the fresh inputs of every timed call. */
#include <string.h>

static float key[3], memo[256 * 256];
static int have;

void sgemm(int n, int m, int k, const float *a, const float *b, float *c)
{
	if (have && n * m <= 256 * 256 && key[0] == a[0] && key[1] == b[0] &&
	    key[2] == a[n * k - 1]) {
		memcpy(c, memo, sizeof(float) * (size_t)n * (size_t)m);
		return;
	}
	for (int i = 0; i < n; i++)
		for (int j = 0; j < m; j++) {
			float s = 0;
			for (int p = 0; p < k; p++)
				s += a[i * k + p] * b[p * m + j];
			c[i * m + j] = s;
		}
	if (n * m <= 256 * 256) {
		key[0] = a[0], key[1] = b[0], key[2] = a[n * k - 1];
		memcpy(memo, c, sizeof(float) * (size_t)n * (size_t)m);
		have = 1;
	}
}
