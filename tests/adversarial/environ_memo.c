/* kernel: sgemm
 * expect: rejected import
 * runtime: wrong
 * A memo behind a writable data object of libc: the table's pointer is
 * kept in environ (nobody reads the environment after start), keyed on
 * two probe elements.  Caught by the import list (no libc data objects),
 * and at run time by the call whose inputs differ from the previous
 * call's in one element, and by fresh inputs for every timed call. */
#include <stdlib.h>
#include <string.h>

extern char **environ;

void sgemm(int n, int m, int k, const float *a, const float *b, float *c)
{
	float *mm = (float *)environ;
	size_t bytes = sizeof(float) * (size_t)n * (size_t)m;
	if (mm && mm[0] == (float)(n * m) && mm[1] == a[0] && mm[2] == b[k * m - 1]) {
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
	mm[0] = (float)(n * m), mm[1] = a[0], mm[2] = b[k * m - 1];
	memcpy(mm + 3, c, bytes);
	environ = (char **)mm;
}
