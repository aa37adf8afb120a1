/* expect: wrong -- off by one: the last tap is ignored */
void fir(int n, int taps, const float *restrict x, const float *restrict h,
	 float *restrict y)
{
	for (int i = 0; i < n; i++)
		y[i] = 0.0f;
	for (int t = 0; t < taps - 1; t++) {
		float ht = h[t];
		const float *xt = x + t;
		for (int i = 0; i < n; i++)
			y[i] += ht * xt[i];
	}
}
