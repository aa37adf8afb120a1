/* kernel: saxpy
 * expect: crash input 'x'
 * runtime: crash input 'x'
 * Uses its input as scratch space (casting away const). */
void saxpy(int n, float a, const float *x, float *y)
{
	float *xs = (float *)x;
	for (int i = 0; i < n; i++) {
		xs[i] *= a;
		y[i] += xs[i];
	}
}
