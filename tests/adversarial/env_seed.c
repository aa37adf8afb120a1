/* kernel: saxpy
 * expect: rejected import
 * runtime: ok
 * Looks for the judge's seed or keys in the environment, and produces
 * garbage when it finds anything (so "ok" at runtime proves the
 * environment is scrubbed of ACCC_* and keys). */
#include <stdlib.h>
#include <string.h>

extern char **environ;

void saxpy(int n, float a, const float *x, float *y)
{
	for (char **e = environ; *e; e++)
		if (strstr(*e, "ACCC") || strstr(*e, "SEED") || strstr(*e, "KEY"))
			return;
	if (getenv("ACCC_SEED"))
		return;
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}
