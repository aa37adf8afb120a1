/* kernel: saxpy
 * expect: crash stack overflow
 * runtime: crash stack overflow
 * A variable-length array far larger than any stack. */
#include <stddef.h>

void saxpy(int n, float a, const float *x, float *y)
{
	volatile char big[(size_t)(128u << 20) + (size_t)(n & 1)];
	big[0] = 1;
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i] + 0.0f * big[0];
}
