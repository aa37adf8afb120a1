/* expect: wrong -- off by one: the last interior column is skipped */
void stencil5(int n, int m, const float *restrict in, float *restrict out)
{
	for (int i = 1; i < n - 1; i++) {
		const float *up = in + (long)(i - 1) * m, *mid = up + m, *dn = mid + m;
		float *o = out + (long)(i - 1) * (m - 2) - 1;
		for (int j = 1; j < m - 2; j++)
			o[j] = 0.2f * (mid[j] + up[j] + dn[j] + mid[j - 1] + mid[j + 1]);
	}
}
