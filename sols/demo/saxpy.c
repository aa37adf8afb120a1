#include "kernels.h"

/* y = a*x + y */
#pragma autocomp target(host) in(x[n]) inout(y[n]) args(n=1000000, a=2.5) \
	tol(1e-6) hint("streaming, memory bound")
void saxpy(int n, float a, const float *x, float *y)
{
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}
