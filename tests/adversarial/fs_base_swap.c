/* kernel: sgemm
 * expect: rejected asm
 * runtime: rejected abi|crash
 * State in the FS base: the kernel points FS at a block of its own
 * (copying the TCB header so the stack protector still works) whose spare
 * words hold the memo, and leaves it there for the next call.  Caught by
 * the asm rule and by the trampoline's FS-base check. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void sgemm(int n, int m, int k, const float *a, const float *b, float *c)
{
	uint64_t fs;
	__asm__ volatile("rdfsbase %0" : "=r"(fs));
	uint64_t *tcb = (uint64_t *)fs;
	float *mm = (float *)tcb[9];
	if (tcb[8] == 0x6d656d6fu && mm[0] == a[0] && mm[1] == (float)(n * m)) {
		memcpy(c, mm + 2, sizeof(float) * (size_t)n * (size_t)m);
		return;
	}
	for (int i = 0; i < n; i++)
		for (int j = 0; j < m; j++) {
			float s = 0;
			for (int p = 0; p < k; p++)
				s += a[i * k + p] * b[p * m + j];
			c[i * m + j] = s;
		}
	uint64_t *blk = malloc(4096);
	mm = malloc(sizeof(float) * (size_t)n * (size_t)m + 8);
	if (!blk || !mm)
		return;
	memcpy(blk, tcb, 4096);
	blk[0] = blk[2] = (uint64_t)blk; /* tcb, self */
	blk[8] = 0x6d656d6fu;
	blk[9] = (uint64_t)mm;
	mm[0] = a[0], mm[1] = (float)(n * m);
	memcpy(mm + 2, c, sizeof(float) * (size_t)n * (size_t)m);
	__asm__ volatile("wrfsbase %0" ::"r"(blk));
}
