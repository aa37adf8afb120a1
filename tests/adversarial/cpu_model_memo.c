/* kernel: sgemm
 * expect: rejected abi
 * runtime: rejected abi
 * A memo behind a data object the import list must allow: libgcc's
 * __cpu_model, which __builtin_cpu_supports reads, is writable; its last
 * word holds the table's pointer bits between calls.  No static rule can
 * tell this import from an honest one; the harness compares __cpu_model
 * around every call. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

extern struct { unsigned int vendor, type, subtype, features[1]; } __cpu_model;
void sgemm(int n, int m, int k, const float *a, const float *b, float *c)
{
	float *mm = (float *)(uintptr_t)(((uint64_t)__cpu_model.subtype << 32) |
					   __cpu_model.type);
	size_t bytes = sizeof(float) * (size_t)n * (size_t)m;
	if (__cpu_model.type > 0xffff && mm[0] == (float)(n * m) && mm[1] == a[0]) {
		memcpy(c, mm + 2, bytes);
		return;
	}
	for (int i = 0; i < n; i++)
		for (int j = 0; j < m; j++) {
			float s = 0;
			for (int p = 0; p < k; p++)
				s += a[i * k + p] * b[p * m + j];
			c[i * m + j] = s;
		}
	mm = malloc(bytes + 2 * sizeof(float));
	if (!mm)
		return;
	mm[0] = (float)(n * m), mm[1] = a[0];
	memcpy(mm + 2, c, bytes);
	__cpu_model.type = (unsigned int)(uintptr_t)mm;
	__cpu_model.subtype = (unsigned int)((uint64_t)(uintptr_t)mm >> 32);
}
