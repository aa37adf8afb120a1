/* kernel: sgemm
 * expect: wrong
 * runtime: wrong
 * Returns without writing the output, hoping it holds a previous result. */
void sgemm(int n, int m, int k, const float *a, const float *b, float *c)
{
	(void)n, (void)m, (void)k, (void)a, (void)b, (void)c;
}
