/* kernel: sgemm
 * expect: crash read past the end
 * runtime: crash read past the end
 * Reads past the end of its inputs: an unmasked tail load. */
void sgemm(int n, int m, int k, const float *a, const float *b, float *c)
{
	for (int i = 0; i < n; i++)
		for (int j = 0; j < m; j++) {
			float s = 0.0f;
			for (int p = 0; p < k; p++)
				s += a[i * k + p] * b[p * m + j];
			c[i * m + j] = s + 0.0f * b[k * m + 64];
		}
}
