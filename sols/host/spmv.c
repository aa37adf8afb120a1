/* Sparse matrix-vector product, fixed-degree CSR (ELL): row i holds the deg
 * entries val[i*deg .. i*deg+deg) at columns col[...]. */
#pragma autocomp target(host) in(col[nrows*deg], val[nrows*deg], x[ncols]) out(y[nrows]) \
	init(col: range(0, ncols)) args(nrows=1000, ncols=4000, deg=64) \
	assume(nrows >= 1 && ncols >= 1 && deg >= 1) flops(2.0*nrows*deg)
void spmv(int nrows, int ncols, int deg, const int *col, const float *val, const float *x,
	  float *y)
{
	for (int i = 0; i < nrows; i++) {
		float s = 0.0f;
		for (int k = 0; k < deg; k++)
			s += val[i * deg + k] * x[col[i * deg + k]];
		y[i] = s;
	}
}
