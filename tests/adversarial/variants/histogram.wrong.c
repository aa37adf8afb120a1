/* expect: wrong -- counts into bins without clearing them first */
void histogram(int n, int nbins, const int *restrict data, unsigned *restrict bins)
{
	for (int i = 0; i < n; i++)
		bins[data[i]]++;
}
