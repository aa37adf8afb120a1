/* noise.c without the repeated tenth: 10% less work, the same outputs. */
static float f(float v)
{
	float acc = v;
	for (int r = 0; r < 24; r++)
		acc = acc * 0.96875f + v * 0.03125f;
	return acc;
}

void work(int n, const float *x, float *y)
{
	for (int i = 0; i < n; i++)
		y[i] = f(x[i]);
}
