/* expect: ok faster -- four independent double accumulators */
float dot(int n, const float *restrict x, const float *restrict y)
{
	double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	int i = 0;
	for (; i + 4 <= n; i += 4) {
		s0 += (double)x[i] * y[i];
		s1 += (double)x[i + 1] * y[i + 1];
		s2 += (double)x[i + 2] * y[i + 2];
		s3 += (double)x[i + 3] * y[i + 3];
	}
	for (; i < n; i++)
		s0 += (double)x[i] * y[i];
	return (float)((s0 + s1) + (s2 + s3));
}
