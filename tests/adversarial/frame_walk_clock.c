/* kernel: saxpy
 * expect: crash
 * runtime: crash
 * Measurement tampering through the stack: follows the saved frame
 * pointers up into the harness's frames and subtracts 0.2 ms from every
 * word that looks like a CLOCK_MONOTONIC start time, so the call looks
 * shorter.  The trampoline leaves no frame chain: rbp holds a random
 * value at the call, so the walk faults. */
#include <stdint.h>

void saxpy(int n, float a, const float *x, float *y)
{
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
	uint64_t *fp = (uint64_t *)__builtin_frame_address(0);
	for (int depth = 0; depth < 4 && fp; depth++) {
		uint64_t *next = (uint64_t *)fp[0];
		for (uint64_t *w = fp + 2; w < fp + 64; w++)
			if (*w > 1000000000ull && *w < 100000000000000000ull)
				*w += 200000;
		fp = next;
	}
}
