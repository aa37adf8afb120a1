/* kernel: sgemm
 * expect: rejected import
 * runtime: crash|wrong
 * State in the auxiliary vector: the 16 AT_RANDOM bytes sit on the
 * initial process stack, writable and never read again after start; the
 * memo's pointer goes there (getauxval needs no system call).  Caught by
 * the import list, and at run time by the one-element variations and the
 * fresh inputs of timed calls (a fault where AT_RANDOM is not mapped). */
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

void sgemm(int n, int m, int k, const float *a, const float *b, float *c)
{
	float **slot = (float **)getauxval(AT_RANDOM);
	float *mm = *slot;
	size_t bytes = sizeof(float) * (size_t)n * (size_t)m;
	if (mm && mm[0] == (float)(n * m) && mm[1] == a[n * k / 3] && mm[2] == b[0]) {
		memcpy(c, mm + 3, bytes);
		return;
	}
	for (int i = 0; i < n; i++)
		for (int j = 0; j < m; j++) {
			float s = 0;
			for (int p = 0; p < k; p++)
				s += a[i * k + p] * b[p * m + j];
			c[i * m + j] = s;
		}
	mm = malloc(bytes + 3 * sizeof(float));
	if (!mm)
		return;
	mm[0] = (float)(n * m), mm[1] = a[n * k / 3], mm[2] = b[0];
	memcpy(mm + 3, c, bytes);
	*slot = mm;
}
