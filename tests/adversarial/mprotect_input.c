/* kernel: saxpy
 * expect: rejected import
 * runtime: rejected input-modified
 * Makes its read-only input writable first, then scribbles on it. */
#include <stdint.h>
#include <sys/mman.h>

void saxpy(int n, float a, const float *x, float *y)
{
	uintptr_t lo = (uintptr_t)x & ~(uintptr_t)4095;
	uintptr_t hi = ((uintptr_t)(x + n) + 4095) & ~(uintptr_t)4095;
	mprotect((void *)lo, hi - lo, PROT_READ | PROT_WRITE);
	for (int i = 0; i < n; i++) {
		y[i] = a * x[i] + y[i];
		((float *)x)[i] = 0.0f;
	}
}
