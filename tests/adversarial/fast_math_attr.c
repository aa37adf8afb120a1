/* kernel: dot
 * expect: rejected optimize-attribute
 * runtime: skip
 * Fast-math through an attribute: reassociation the user did not allow. */
__attribute__((optimize("fast-math"))) float dot(int n, const float *x, const float *y)
{
	double s = 0.0;
	for (int i = 0; i < n; i++)
		s += (double)x[i] * y[i];
	return (float)s;
}
