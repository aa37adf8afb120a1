/* kernel: saxpy
 * expect: rejected import
 * runtime: rejected syscall
 * A child process that outlives the call. */
#include <unistd.h>

void saxpy(int n, float a, const float *x, float *y)
{
	if (fork() == 0) {
		for (;;)
			pause();
	}
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}
