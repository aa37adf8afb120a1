/* Layer normalization of each row of an r x c matrix, with gain and bias. */
#include <math.h>
#pragma autocomp target(cuda) in(x[r*c], g[c], b[c]) out(y[r*c]) args(r=4096, c=4096) \
	assume(r >= 1 && c >= 1) tol(1e-4) flops(8.0*r*c) bytes(8.0*r*c)
void layernorm(int r, int c, const float *x, const float *g, const float *b, float *y)
{
	for (int i = 0; i < r; i++) {
		float mean = 0.0f, var = 0.0f;
		for (int j = 0; j < c; j++)
			mean += x[i * c + j];
		mean /= c;
		for (int j = 0; j < c; j++)
			var += (x[i * c + j] - mean) * (x[i * c + j] - mean);
		var /= c;
		float inv = 1.0f / sqrtf(var + 1e-5f);
		for (int j = 0; j < c; j++)
			y[i * c + j] = (x[i * c + j] - mean) * inv * g[j] + b[j];
	}
}
