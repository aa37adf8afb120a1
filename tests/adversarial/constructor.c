/* kernel: saxpy
 * expect: rejected ctor
 * runtime: skip
 * Code that runs at load time, before the harness is in control. */
__attribute__((constructor)) static void early(void)
{
	volatile float sink = 0; /* anything: it runs before main */
	(void)sink;
}

void saxpy(int n, float a, const float *x, float *y)
{
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}
