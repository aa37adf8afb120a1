/* FIR filter: y[i] = sum over t < taps of h[t] * x[i + t]. */
#pragma autocomp target(host) in(x[n+taps-1], h[taps]) out(y[n]) \
	args(n=100000, taps=32) assume(n >= 1 && taps >= 1) flops(2.0*n*taps)
void fir(int n, int taps, const float *x, const float *h, float *y)
{
	for (int i = 0; i < n; i++) {
		float s = 0.0f;
		for (int t = 0; t < taps; t++)
			s += h[t] * x[i + t];
		y[i] = s;
	}
}
