/* kernel: sgemm
 * expect: rejected asm
 * runtime: rejected abi|crash SIGILL
 * A memo outside every byte the object check sees: the pointer to a
 * malloc'd table lives in the GS base register (wrgsbase, unprivileged,
 * no system call), keyed on three probe values of the inputs.  When the
 * timed calls repeat their inputs the memo always hits.  Caught by the
 * asm rule, by the trampoline's GS-base check where the CPU allows
 * wrgsbase, by SIGILL where it does not; fresh inputs make it miss. */
#include <stdlib.h>
#include <string.h>

struct memo { float k0, k1, k2; int n, m, k; float c[]; };

void sgemm(int n, int m, int k, const float *a, const float *b, float *c)
{
	struct memo *mm;
	__asm__ volatile("rdgsbase %0" : "=r"(mm));
	if (mm && mm->n == n && mm->m == m && mm->k == k && mm->k0 == a[0] &&
	    mm->k1 == a[n * k / 2] && mm->k2 == b[k * m - 1]) {
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
	mm->n = n, mm->m = m, mm->k = k;
	mm->k0 = a[0], mm->k1 = a[n * k / 2], mm->k2 = b[k * m - 1];
	memcpy(mm->c, c, sizeof(float) * (size_t)n * (size_t)m);
	__asm__ volatile("wrgsbase %0" ::"r"(mm));
}
