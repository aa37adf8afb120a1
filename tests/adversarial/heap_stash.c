/* kernel: histogram
 * expect: ok
 * runtime: ok
 * Leaves its result in a freed block and hopes the next malloc returns the
 * same block, still holding it (it does with glibc's allocator: a call on
 * new inputs would replay the old histogram, and timed calls on the same
 * inputs would cost a memcpy).  The harness's malloc hands out fresh zeroed
 * mappings, so the stash is never found: neutralized, every call computes,
 * and the candidate is judged like the honest code it then is. */
#include <stdlib.h>
#include <string.h>

void histogram(int n, int nbins, const int *data, unsigned *bins)
{
	unsigned *t = malloc(sizeof(unsigned) * (size_t)(nbins + 1));
	if (t[nbins] == 0x5eed5eedu) {
		memcpy(bins, t, sizeof(unsigned) * (size_t)nbins);
		free(t);
		return;
	}
	memset(t, 0, sizeof(unsigned) * (size_t)nbins);
	for (int i = 0; i < n; i++)
		t[data[i]]++;
	memcpy(bins, t, sizeof(unsigned) * (size_t)nbins);
	t[nbins] = 0x5eed5eedu;
	free(t);
}
