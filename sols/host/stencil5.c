/* 5-point Jacobi stencil on the interior of an n x m grid. */
#pragma autocomp target(host) in(in[n*m]) out(out[(n-2)*(m-2)]) \
	args(n=1024, m=1024) assume(n >= 3 && m >= 3) flops(5.0*(n-2)*(m-2))
void stencil5(int n, int m, const float *in, float *out)
{
	for (int i = 1; i < n - 1; i++)
		for (int j = 1; j < m - 1; j++)
			out[(i - 1) * (m - 2) + (j - 1)] =
				0.2f * (in[i * m + j] + in[(i - 1) * m + j] + in[(i + 1) * m + j] +
					in[i * m + j - 1] + in[i * m + j + 1]);
}
