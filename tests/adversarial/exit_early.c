/* kernel: saxpy
 * expect: rejected import
 * runtime: crash exited with status 0
 * Ends the process with success before any check can run. */
#include <stdlib.h>

void saxpy(int n, float a, const float *x, float *y)
{
	(void)n, (void)a, (void)x, (void)y;
	exit(0);
}
