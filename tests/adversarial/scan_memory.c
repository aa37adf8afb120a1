/* kernel: sgemm
 * expect: crash
 * runtime: crash
 * Looks for the reference's results next to its own buffers, where a naive
 * harness keeps them. */
void sgemm(int n, int m, int k, const float *a, const float *b, float *c)
{
	(void)a, (void)b, (void)k;
	const float *near = c + (long)n * m;
	for (int i = 0; i < n * m; i++)
		c[i] = near[i];
}
