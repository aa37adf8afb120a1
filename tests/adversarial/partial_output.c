/* kernel: sgemm
 * expect: wrong
 * runtime: wrong
 * Computes only the first half of the rows. */
void sgemm(int n, int m, int k, const float *a, const float *b, float *c)
{
	for (int i = 0; i < n / 2; i++)
		for (int j = 0; j < m; j++) {
			float s = 0.0f;
			for (int p = 0; p < k; p++)
				s += a[i * k + p] * b[p * m + j];
			c[i * m + j] = s;
		}
}
