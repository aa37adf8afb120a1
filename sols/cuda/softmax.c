/* Row-wise softmax of an r x c matrix. */
#include <math.h>
#pragma autocomp target(cuda) in(x[r*c]) out(y[r*c]) args(r=4096, c=4096) \
	assume(r >= 1 && c >= 1) tol(1e-4) flops(5.0*r*c) bytes(8.0*r*c)
void softmax(int r, int c, const float *x, float *y)
{
	for (int i = 0; i < r; i++) {
		float m = x[i * c];
		for (int j = 1; j < c; j++)
			m = x[i * c + j] > m ? x[i * c + j] : m;
		float s = 0.0f;
		for (int j = 0; j < c; j++) {
			y[i * c + j] = expf(x[i * c + j] - m);
			s += y[i * c + j];
		}
		for (int j = 0; j < c; j++)
			y[i * c + j] /= s;
	}
}
