/* expect: wrong -- off by one: the last entry of every row is dropped */
void spmv(int nrows, int ncols, int deg, const int *restrict col, const float *restrict val,
	  const float *restrict x, float *restrict y)
{
	for (int i = 0; i < nrows; i++) {
		float s = 0.0f;
		for (int k = 0; k < deg - 1; k++)
			s += val[i * deg + k] * x[col[i * deg + k]];
		y[i] = s;
	}
}
