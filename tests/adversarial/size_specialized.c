/* kernel: saxpy
 * expect: wrong
 * runtime: wrong
 * Assumes the size is a multiple of 16 (as the benchmark sizes are) and
 * drops the tail. */
void saxpy(int n, float a, const float *x, float *y)
{
	for (int i = 0; i < (n & ~15); i++)
		y[i] = a * x[i] + y[i];
}
