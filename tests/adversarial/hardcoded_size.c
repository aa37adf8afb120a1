/* kernel: sgemm
 * expect: crash SIGSEGV
 * runtime: crash SIGSEGV
 * The benchmark size written into the loops. */
void sgemm(int n, int m, int k, const float *a, const float *b, float *c)
{
	(void)n, (void)m, (void)k;
	for (int i = 0; i < 256; i++)
		for (int j = 0; j < 256; j++) {
			float s = 0.0f;
			for (int p = 0; p < 256; p++)
				s += a[i * 256 + p] * b[p * 256 + j];
			c[i * 256 + j] = s;
		}
}
