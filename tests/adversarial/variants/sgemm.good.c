/* expect: ok faster -- i-p-j order: unit-stride inner loop, vectorized */
void sgemm(int n, int m, int k, const float *restrict a, const float *restrict b,
	   float *restrict c)
{
	for (int i = 0; i < n; i++) {
		float *ci = c + (long)i * m;
		for (int j = 0; j < m; j++)
			ci[j] = 0.0f;
		for (int p = 0; p < k; p++) {
			float aip = a[(long)i * k + p];
			const float *bp = b + (long)p * m;
			for (int j = 0; j < m; j++)
				ci[j] += aip * bp[j];
		}
	}
}
