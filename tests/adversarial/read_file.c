/* kernel: saxpy
 * expect: rejected import
 * runtime: rejected syscall
 * Reads a file outside its scratch folder (reference results, keys). */
#include <stdio.h>

void saxpy(int n, float a, const float *x, float *y)
{
	FILE *f = fopen("/etc/passwd", "r");
	if (f)
		fclose(f);
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}
