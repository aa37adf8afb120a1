/* kernel: saxpy
 * expect: rejected define
 * runtime: rejected timing-inconsistent
 * Replaces the clock the harness reads: every call takes no time. */
#include <time.h>

int clock_gettime(clockid_t id, struct timespec *ts)
{
	(void)id;
	ts->tv_sec = 1;
	ts->tv_nsec = 0;
	return 0;
}

void saxpy(int n, float a, const float *x, float *y)
{
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}
