/* Out-of-place transpose of an n x m matrix into m x n. */
#pragma autocomp target(host) in(a[n*m]) out(b[m*n]) args(n=1024, m=1024) \
	assume(n >= 1 && m >= 1) bytes(8.0*n*m)
void transpose(int n, int m, const float *a, float *b)
{
	for (int i = 0; i < n; i++)
		for (int j = 0; j < m; j++)
			b[j * n + i] = a[i * m + j];
}
