/* kernel: saxpy
 * expect: timeout
 * runtime: timeout
 * Never returns. */
void saxpy(int n, float a, const float *x, float *y)
{
	volatile int spin = 1;
	while (spin)
		;
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}
