/* kernel: sgemm
 * expect: rejected import
 * runtime: rejected syscall
 * State in the harness's own memory, found through a signal setting: the
 * alternate signal stack (sigaltstack) is a buffer the harness never
 * touches unless a signal arrives; its first words hold the memo.  Caught
 * by the import list and by the system-call filter. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

void sgemm(int n, int m, int k, const float *a, const float *b, float *c)
{
	stack_t ss;
	float **slot;
	size_t bytes = sizeof(float) * (size_t)n * (size_t)m;
	if (sigaltstack(NULL, &ss) || !ss.ss_sp)
		return;
	slot = (float **)ss.ss_sp;
	if (*slot && (*slot)[0] == a[0] && (*slot)[1] == (float)(n * m)) {
		memcpy(c, *slot + 2, bytes);
		return;
	}
	for (int i = 0; i < n; i++)
		for (int j = 0; j < m; j++) {
			float s = 0;
			for (int p = 0; p < k; p++)
				s += a[i * k + p] * b[p * m + j];
			c[i * m + j] = s;
		}
	*slot = malloc(bytes + 2 * sizeof(float));
	if (!*slot)
		return;
	(*slot)[0] = a[0], (*slot)[1] = (float)(n * m);
	memcpy(*slot + 2, c, bytes);
}
