/* y = a*x + y, single precision (BLAS saxpy). */
#pragma autocomp target(host) in(x[n]) inout(y[n]) init(a: uniform(-2, 2)) \
	args(n=65536) args(n=1048576) flops(2.0*n) bytes(12.0*n)
void saxpy(int n, float a, const float *x, float *y)
{
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}
