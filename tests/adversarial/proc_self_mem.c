/* kernel: saxpy
 * expect: rejected import
 * runtime: rejected syscall
 * Measurement tampering through /proc: finds the harness's data in
 * /proc/self/maps and rewrites it through /proc/self/mem, which ignores
 * page protections.  Caught by the import list and the system-call
 * filter (no open). */
#include <stdio.h>

void saxpy(int n, float a, const float *x, float *y)
{
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
	FILE *maps = fopen("/proc/self/maps", "r");
	FILE *mem = fopen("/proc/self/mem", "r+");
	char line[256];
	while (maps && mem && fgets(line, sizeof(line), maps)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx rw-p 00000000 00:00 0", &lo, &hi) == 2) {
			double zero = 0;
			fseek(mem, (long)lo, SEEK_SET);
			fwrite(&zero, sizeof(zero), 1, mem);
		}
	}
}
