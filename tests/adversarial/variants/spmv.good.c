/* expect: ok faster -- row pointers, four accumulators, no index arithmetic
 * in the loop (a modest gain: the loop is bound by its loads) */
void spmv(int nrows, int ncols, int deg, const int *restrict col, const float *restrict val,
	  const float *restrict x, float *restrict y)
{
	const int *c = col;
	const float *v = val;
	for (int i = 0; i < nrows; i++, c += deg, v += deg) {
		float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
		int k = 0;
		for (; k + 4 <= deg; k += 4) {
			s0 += v[k] * x[c[k]];
			s1 += v[k + 1] * x[c[k + 1]];
			s2 += v[k + 2] * x[c[k + 2]];
			s3 += v[k + 3] * x[c[k + 3]];
		}
		for (; k < deg; k++)
			s0 += v[k] * x[c[k]];
		y[i] = (s0 + s1) + (s2 + s3);
	}
}
