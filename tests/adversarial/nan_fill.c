/* kernel: sgemm
 * expect: wrong
 * runtime: wrong
 * A special-value trick: computes only the first rows and fills the rest
 * with NaN, betting that a comparison with NaN is never "greater than the
 * tolerance" (|y - r| > tol is false for NaN).  The judge demands a finite
 * output wherever the reference's is finite. */
void sgemm(int n, int m, int k, const float *a, const float *b, float *c)
{
	int done = n > 4 ? 4 : n;
	for (int i = 0; i < done; i++)
		for (int j = 0; j < m; j++) {
			float s = 0;
			for (int p = 0; p < k; p++)
				s += a[i * k + p] * b[p * m + j];
			c[i * m + j] = s;
		}
	for (int i = done * m; i < n * m; i++)
		c[i] = __builtin_nanf("");
}
