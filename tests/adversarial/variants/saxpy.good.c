/* expect: ok faster -- restrict lets the compiler vectorize; explicit tail */
void saxpy(int n, float a, const float *restrict x, float *restrict y)
{
	int i = 0;
	for (; i + 8 <= n; i += 8)
		for (int k = 0; k < 8; k++)
			y[i + k] = a * x[i + k] + y[i + k];
	for (; i < n; i++)
		y[i] = a * x[i] + y[i];
}
