/* kernel: saxpy
 * expect: rejected pragma-optimize
 * runtime: ok
 * Changes the optimization options behind the user's back. */
#pragma GCC optimize("O3", "unroll-loops")

void saxpy(int n, float a, const float *x, float *y)
{
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}
