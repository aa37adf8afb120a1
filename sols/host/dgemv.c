/* y = A * x, double precision: A is n x m, row-major. */
#pragma autocomp target(host) in(a[n*m], x[m]) out(y[n]) \
	args(n=1024, m=1024) flops(2.0*n*m) bytes(8.0*(n*m + m + n))
void dgemv(int n, int m, const double *a, const double *x, double *y)
{
	for (int i = 0; i < n; i++) {
		double s = 0.0;
		for (int j = 0; j < m; j++)
			s += a[i * m + j] * x[j];
		y[i] = s;
	}
}
