/* Inclusive prefix sum of 32-bit integers into 64-bit sums. */
#pragma autocomp target(host) in(x[n]) out(y[n]) args(n=1000000) assume(n >= 1)
void prefix_sum(int n, const int *x, long long *y)
{
	y[0] = x[0];
	for (int i = 1; i < n; i++)
		y[i] = y[i - 1] + x[i];
}
