/* expect: ok faster -- blocks of four: one add per block on the carried chain */
void prefix_sum(int n, const int *restrict x, long long *restrict y)
{
	long long s = 0;
	int i = 0;
	for (; i + 4 <= n; i += 4) {
		long long a = x[i], b = a + x[i + 1], c = b + x[i + 2], d = c + x[i + 3];
		y[i] = s + a;
		y[i + 1] = s + b;
		y[i + 2] = s + c;
		y[i + 3] = s + d;
		s += d;
	}
	for (; i < n; i++) {
		s += x[i];
		y[i] = s;
	}
}
