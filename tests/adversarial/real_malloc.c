/* kernel: saxpy
 * expect: rejected import
 * runtime: skip
 * Calls the real allocator behind the harness's wrapped one, whose freed
 * blocks can carry results from one call to the next. */
#include <stddef.h>

void *__real_malloc(size_t n);

void saxpy(int n, float a, const float *x, float *y)
{
	float *t = __real_malloc(sizeof(float) * (size_t)(n + 1));
	for (int i = 0; i < n; i++)
		t[i] = a * x[i];
	for (int i = 0; i < n; i++)
		y[i] += t[i];
}
