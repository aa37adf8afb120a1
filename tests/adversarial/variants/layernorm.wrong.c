/* expect: wrong -- the unbiased variance (n - 1) where the original divides by n */
#include <math.h>

void layernorm(int rows, int cols, const float *restrict x, const float *restrict gamma,
	       const float *restrict beta, float *restrict y)
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
		var /= cols - 1;
		float inv = 1.0f / sqrtf(var + 1e-5f);
		for (int c = 0; c < cols; c++)
			yr[c] = (xr[c] - mean) * inv * gamma[c] + beta[c];
	}
}
