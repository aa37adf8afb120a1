/* kernel: saxpy
 * expect: rejected import
 * runtime: rejected syscall
 * Kills the judge so that no verdict is written at all. */
#include <signal.h>
#include <unistd.h>

void saxpy(int n, float a, const float *x, float *y)
{
	kill(getppid(), SIGKILL);
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}
