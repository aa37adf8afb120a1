/* kernel: gain_clamp
 * expect: wrong
 * runtime: wrong
 * Values the default inputs never reach: drops the clamp (the default
 * inputs in [-0.75, 1.25) never drive 8x past 16), which makes the loop a
 * plain scale.  Caught by the wide regime: inputs thousands of times the
 * default magnitude, zeros and negatives, on the generated shapes. */
void gain_clamp(int n, const float *x, float *y)
{
	for (int i = 0; i < n; i++)
		y[i] = 8.0f * x[i];
}
