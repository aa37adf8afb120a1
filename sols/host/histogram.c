/* Histogram of n values in [0, nbins). */
#pragma autocomp target(host) in(data[n]) out(bins[nbins]) init(data: range(0, nbins)) \
	args(n=1000000, nbins=16) assume(n >= 0 && nbins >= 1)
void histogram(int n, int nbins, const int *data, unsigned *bins)
{
	for (int b = 0; b < nbins; b++)
		bins[b] = 0;
	for (int i = 0; i < n; i++)
		bins[data[i]]++;
}
