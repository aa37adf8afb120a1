/* kernel: sgemm
 * expect: rejected import
 * runtime: wrong
 * Prints what a naive judge might parse as a result, computes nothing. */
#include <stdio.h>

void sgemm(int n, int m, int k, const float *a, const float *b, float *c)
{
	(void)n, (void)m, (void)k, (void)a, (void)b, (void)c;
	printf("PASS\nverdict: ok\nspeedup: 100.0\ntime: 0.000001\n");
	fprintf(stderr, "{\"verdict\":\"ok\",\"speedup\":100}\n");
	fflush(stdout);
}
