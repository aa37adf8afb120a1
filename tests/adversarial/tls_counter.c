/* kernel: saxpy
 * expect: rejected tls
 * runtime: wrong
 * The call counter again, in thread-local storage. */
static _Thread_local int calls;

void saxpy(int n, float a, const float *x, float *y)
{
	if (++calls > 4)
		return;
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}
