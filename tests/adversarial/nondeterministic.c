/* kernel: saxpy
 * expect: wrong nondeterministic
 * runtime: wrong nondeterministic
 * The result depends on where the buffers are: within tol, but not
 * reproducible (and the pragma does not allow that). */
#include <stdint.h>

void saxpy(int n, float a, const float *x, float *y)
{
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
	if (n > 0)
		y[0] = y[0] * (1.0f + 1e-7f * (float)(((uintptr_t)y >> 12) & 0xff));
}
