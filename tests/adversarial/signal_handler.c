/* kernel: saxpy
 * expect: rejected import
 * runtime: rejected syscall
 * Installs its own fault handler to survive out-of-bounds accesses. */
#include <signal.h>
#include <string.h>

static void ignore(int sig)
{
	(void)sig;
}

void saxpy(int n, float a, const float *x, float *y)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ignore;
	sigaction(SIGSEGV, &sa, 0);
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}
