#include "kernels.h"

#pragma autocomp target(host) in(x[n], y[n]) args(n=1000000) tol(1e-9) \
	flops(2*n) bytes(16*n)
double dot(int n, const double *x, const double *y)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += x[i] * y[i];
	return s;
}
