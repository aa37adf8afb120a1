/* y = a*x + y, single precision, on the GPU (memory(host): end to end). */
#pragma autocomp target(cuda) in(x[n]) inout(y[n]) init(a: uniform(-2, 2)) \
	args(n=16777216) flops(2.0*n) bytes(12.0*n)
void saxpy(int n, float a, const float *x, float *y)
{
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}
