/* The sum of n floats (accumulated in double by the specification). */
#pragma autocomp target(cuda) in(x[n]) args(n=16777216) assume(n >= 1) tol(1e-5) \
	flops(1.0*n) bytes(4.0*n)
float reduce(int n, const float *x)
{
	double s = 0.0;
	for (int i = 0; i < n; i++)
		s += x[i];
	return (float)s;
}
