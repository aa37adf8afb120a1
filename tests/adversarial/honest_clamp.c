/* kernel: gain_clamp
 * expect: ok
 * runtime: ok
 * The control: the same clamp written with fminf/fmaxf (the compiler
 * vectorizes it), right on every regime, wide inputs included. */
#include <math.h>

void gain_clamp(int n, const float *x, float *y)
{
	for (int i = 0; i < n; i++)
		y[i] = fminf(fmaxf(8.0f * x[i], -16.0f), 16.0f);
}
