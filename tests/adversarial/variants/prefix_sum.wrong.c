/* expect: wrong -- an exclusive scan where the original is inclusive */
void prefix_sum(int n, const int *restrict x, long long *restrict y)
{
	long long s = 0;
	for (int i = 0; i < n; i++) {
		y[i] = s;
		s += x[i];
	}
}
