/* kernel: saxpy
 * expect: rejected ctor
 * runtime: skip
 * Code that runs at load time, before the harness is in control. */
__attribute__((constructor)) static void early(void)
{
	__asm__ volatile("" ::: "memory"); /* anything: it runs before main */
}

void saxpy(int n, float a, const float *x, float *y)
{
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}
