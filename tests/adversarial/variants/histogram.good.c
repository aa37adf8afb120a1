/* expect: ok faster -- four sub-histograms break the increment chains */
void histogram(int n, int nbins, const int *restrict data, unsigned *restrict bins)
{
	unsigned sub[4][64];
	if (nbins > 64) {
		for (int b = 0; b < nbins; b++)
			bins[b] = 0;
		for (int i = 0; i < n; i++)
			bins[data[i]]++;
		return;
	}
	for (int b = 0; b < nbins; b++)
		sub[0][b] = sub[1][b] = sub[2][b] = sub[3][b] = 0;
	int i = 0;
	for (; i + 4 <= n; i += 4) {
		sub[0][data[i]]++;
		sub[1][data[i + 1]]++;
		sub[2][data[i + 2]]++;
		sub[3][data[i + 3]]++;
	}
	for (; i < n; i++)
		sub[0][data[i]]++;
	for (int b = 0; b < nbins; b++)
		bins[b] = sub[0][b] + sub[1][b] + sub[2][b] + sub[3][b];
}
