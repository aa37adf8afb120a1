/* kernel: saxpy
 * expect: rejected include
 * runtime: compile_error
 * Pulls a file from outside the unit into the compiler's error messages. */
#include "/etc/hostname"

void saxpy(int n, float a, const float *x, float *y)
{
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}
