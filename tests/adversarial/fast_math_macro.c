/* kernel: dot
 * expect: rejected pragma-optimize
 * runtime: skip
 * The same, hidden in a macro that expands to _Pragma. */
#define STR(x) #x
#define PRAGMA(x) _Pragma(STR(x))
#define RELAX PRAGMA(GCC optimize("-ffast-math"))

RELAX
float dot(int n, const float *x, const float *y)
{
	double s = 0.0;
	for (int i = 0; i < n; i++)
		s += (double)x[i] * y[i];
	return (float)s;
}
