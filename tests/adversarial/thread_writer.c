/* kernel: saxpy
 * expect: rejected import
 * runtime: rejected syscall
 * Returns at once and lets a thread do the work after the timer stopped. */
#include <pthread.h>

struct job {
	int n;
	float a;
	const float *x;
	float *y;
};

static void *work(void *p)
{
	struct job j = *(struct job *)p;
	for (int i = 0; i < j.n; i++)
		j.y[i] = j.a * j.x[i] + j.y[i];
	return 0;
}

void saxpy(int n, float a, const float *x, float *y)
{
	struct job j = { n, a, x, y };
	pthread_t t;
	pthread_create(&t, 0, work, &j);
	pthread_detach(t);
}
