/* Layer normalization of each row, with per-column scale and shift. */
#include <math.h>

#pragma autocomp target(host) in(x[rows*cols], gamma[cols], beta[cols]) out(y[rows*cols]) \
	args(rows=256, cols=1024) assume(rows >= 1 && cols >= 2)
void layernorm(int rows, int cols, const float *x, const float *gamma, const float *beta,
	       float *y)
{
	for (int r = 0; r < rows; r++) {
		const float *xr = x + (long)r * cols;
		float *yr = y + (long)r * cols;
		float mean = 0.0f, var = 0.0f;
		for (int c = 0; c < cols; c++)
			mean += xr[c];
		mean /= cols;
		for (int c = 0; c < cols; c++)
			var += (xr[c] - mean) * (xr[c] - mean);
		var /= cols;
		float inv = 1.0f / sqrtf(var + 1e-5f);
		for (int c = 0; c < cols; c++)
			yr[c] = (xr[c] - mean) * inv * gamma[c] + beta[c];
	}
}
