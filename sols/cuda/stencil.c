/* One Jacobi step of the 5-point stencil on the interior of an n x m grid. */
#pragma autocomp target(cuda) in(u[n*m]) out(v[n*m]) args(n=4096, m=4096) \
	assume(n >= 3 && m >= 3) flops(5.0*n*m) bytes(8.0*n*m)
void stencil(int n, int m, const float *u, float *v)
{
	for (int i = 1; i < n - 1; i++)
		for (int j = 1; j < m - 1; j++)
			v[i * m + j] = 0.2f * (u[i * m + j] + u[(i - 1) * m + j] +
					       u[(i + 1) * m + j] + u[i * m + j - 1] +
					       u[i * m + j + 1]);
}
