/* expect: ok faster -- four rows at a time share each load of x */
void dgemv(int n, int m, const double *restrict a, const double *restrict x,
	   double *restrict y)
{
	int i = 0;
	for (; i + 4 <= n; i += 4) {
		const double *a0 = a + (long)i * m, *a1 = a0 + m, *a2 = a1 + m, *a3 = a2 + m;
		double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
		for (int j = 0; j < m; j++) {
			double xj = x[j];
			s0 += a0[j] * xj;
			s1 += a1[j] * xj;
			s2 += a2[j] * xj;
			s3 += a3[j] * xj;
		}
		y[i] = s0;
		y[i + 1] = s1;
		y[i + 2] = s2;
		y[i + 3] = s3;
	}
	for (; i < n; i++) {
		double s = 0;
		for (int j = 0; j < m; j++)
			s += a[(long)i * m + j] * x[j];
		y[i] = s;
	}
}
