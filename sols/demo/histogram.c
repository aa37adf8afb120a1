#include "kernels.h"
#include <string.h>

enum { NBINS = 256 };

#pragma autocomp target(host) in(data[n]) out(bins[256]) args(n=4000000)
void histogram(int n, const unsigned char *data, unsigned *bins)
{
	memset(bins, 0, NBINS * sizeof(*bins));
	for (int i = 0; i < n; i++)
		bins[data[i]]++;
}
