/* The structural timing test's original (tests/unit/test_judge_noise.c):
 * noise.c's kernel made slow on purpose, every output computed four times.
 * noise.faster.c computes each once: 4x less work by construction, a gap no
 * load on the machine can close, as both run under the same load. */
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
	/* x and y may alias as far as the compiler knows: no pass is dropped */
	for (int pass = 0; pass < 4; pass++)
		for (int i = 0; i < n; i++)
			y[i] = f(x[i]);
}
