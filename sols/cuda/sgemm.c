/* C = A * B, row-major, single precision, on the GPU: A is n x k, B is k x m. */
#pragma autocomp target(cuda) in(a[n*k], b[k*m]) out(c[n*m]) \
	args(n=1024, m=1024, k=1024) assume(n >= 1 && m >= 1 && k >= 1) \
	flops(2.0*n*m*k) bytes(4.0*(n*k + k*m + n*m))
void sgemm(int n, int m, int k, const float *a, const float *b, float *c)
{
	for (int i = 0; i < n; i++)
		for (int j = 0; j < m; j++) {
			float s = 0.0f;
			for (int p = 0; p < k; p++)
				s += a[i * k + p] * b[p * m + j];
			c[i * m + j] = s;
		}
}
