/* B = A^T for an n x m matrix A (row-major). */
#pragma autocomp target(cuda) in(a[n*m]) out(b[m*n]) args(n=4096, m=4096) \
	assume(n >= 1 && m >= 1) flops(0) bytes(8.0*n*m)
void transpose(int n, int m, const float *a, float *b)
{
	for (int i = 0; i < n; i++)
		for (int j = 0; j < m; j++)
			b[j * n + i] = a[i * m + j];
}
