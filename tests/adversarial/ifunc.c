/* kernel: saxpy
 * expect: rejected ifunc
 * runtime: skip
 * An ifunc resolver also runs at load time. */
static void saxpy_impl(int n, float a, const float *x, float *y)
{
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}

static void (*resolve(void))(int, float, const float *, float *)
{
	return saxpy_impl;
}

void saxpy(int n, float a, const float *x, float *y) __attribute__((ifunc("resolve")));
