/* kernel: dgemv
 * expect: wrong
 * runtime: wrong
 * Float arithmetic in a double kernel: twice as fast, precision below tol. */
void dgemv(int n, int m, const double *a, const double *x, double *y)
{
	for (int i = 0; i < n; i++) {
		float s = 0.0f;
		for (int j = 0; j < m; j++)
			s += (float)a[i * m + j] * (float)x[j];
		y[i] = s;
	}
}
