/* kernel: saxpy
 * expect: rejected static-data
 * runtime: wrong
 * Does the work on the first calls only, as if the judge checked only
 * those and timed the rest. */
static int calls;

void saxpy(int n, float a, const float *x, float *y)
{
	if (++calls > 4)
		return;
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}
