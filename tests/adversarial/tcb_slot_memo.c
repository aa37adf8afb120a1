/* kernel: sgemm
 * expect: rejected cpu-state
 * runtime: rejected abi
 * The memo pointer in a spare slot of the thread control block (glibc's
 * tcbhead_t, unused_vgetcpu_cache at %fs:0x38), reached with
 * __builtin_thread_pointer(): no asm, no writable data of its own.
 * Caught by the source rule on thread-pointer builtins and by the
 * harness's snapshot of the TCB header around every call. */
#include <stdlib.h>
#include <string.h>

struct memo { float k0, k1; int n; float c[]; };

void sgemm(int n, int m, int k, const float *a, const float *b, float *c)
{
	void **tcb = (void **)__builtin_thread_pointer();
	struct memo *mm = tcb[7];
	if (mm && mm->n == n * m && mm->k0 == a[n * k - 1] && mm->k1 == b[k * m - 1]) {
		memcpy(c, mm->c, sizeof(float) * (size_t)n * (size_t)m);
		return;
	}
	for (int i = 0; i < n; i++)
		for (int j = 0; j < m; j++) {
			float s = 0;
			for (int p = 0; p < k; p++)
				s += a[i * k + p] * b[p * m + j];
			c[i * m + j] = s;
		}
	mm = malloc(sizeof(*mm) + sizeof(float) * (size_t)n * (size_t)m);
	if (!mm)
		return;
	mm->n = n * m, mm->k0 = a[n * k - 1], mm->k1 = b[k * m - 1];
	memcpy(mm->c, c, sizeof(float) * (size_t)n * (size_t)m);
	tcb[7] = mm;
}
