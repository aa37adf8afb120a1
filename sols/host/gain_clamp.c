/* A gain stage with saturation: the clamp is taken only on inputs well
 * beyond the default range, which the judge's wide regime reaches. */
#pragma autocomp target(host) in(x[n]) out(y[n]) args(n=65536) assume(n >= 1)
void gain_clamp(int n, const float *x, float *y)
{
	for (int i = 0; i < n; i++) {
		float v = 8.0f * x[i];
		y[i] = v > 16.0f ? 16.0f : v < -16.0f ? -16.0f : v;
	}
}
