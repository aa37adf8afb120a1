/* kernel: saxpy
 * expect: crash past the end of 'y'
 * runtime: crash past the end of 'y'
 * Writes one element past the end (a vector store without a tail loop). */
void saxpy(int n, float a, const float *x, float *y)
{
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
	y[n] = 0.0f;
}
