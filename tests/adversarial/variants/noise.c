/* The noise test's kernel (tests/unit/test_judge_noise.c): compute-bound,
 * and it computes the first tenth of its outputs twice, so that
 * noise.faster.c, which does not, is 10% faster with identical results. */
static float f(float v)
{
	float acc = v;
	for (int r = 0; r < 24; r++)
		acc = acc * 0.96875f + v * 0.03125f;
	return acc;
}

#pragma autocomp target(host) in(x[n]) out(y[n]) args(n=20000) assume(n >= 10)
void work(int n, const float *x, float *y)
{
	for (int i = 0; i < n; i++)
		y[i] = f(x[i]);
	for (int i = 0; i < n / 10; i++)
		y[i] = f(x[i]);
}
