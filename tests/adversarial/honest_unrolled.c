/* kernel: saxpy
 * expect: ok
 * runtime: ok
 * Not a cheat: a correct unrolled saxpy must be accepted. */
void saxpy(int n, float a, const float *restrict x, float *restrict y)
{
	int i = 0;
	for (; i + 4 <= n; i += 4) {
		y[i] = a * x[i] + y[i];
		y[i + 1] = a * x[i + 1] + y[i + 1];
		y[i + 2] = a * x[i + 2] + y[i + 2];
		y[i + 3] = a * x[i + 3] + y[i + 3];
	}
	for (; i < n; i++)
		y[i] = a * x[i] + y[i];
}
