/* Dot product of two float vectors, accumulated in double. */
#pragma autocomp target(host) in(x[n], y[n]) args(n=1000000) tol(1e-7) \
	flops(2.0*n) bytes(8.0*n)
float dot(int n, const float *x, const float *y)
{
	double s = 0.0;
	for (int i = 0; i < n; i++)
		s += (double)x[i] * y[i];
	return (float)s;
}
