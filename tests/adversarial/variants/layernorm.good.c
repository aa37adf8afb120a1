/* expect: ok faster -- four partial sums; scale folded into one multiply */
#include <math.h>

void layernorm(int rows, int cols, const float *restrict x, const float *restrict gamma,
	       const float *restrict beta, float *restrict y)
{
	for (int r = 0; r < rows; r++) {
		const float *xr = x + (long)r * cols;
		float *yr = y + (long)r * cols;
		float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
		int c = 0;
		for (; c + 4 <= cols; c += 4) {
			s0 += xr[c];
			s1 += xr[c + 1];
			s2 += xr[c + 2];
			s3 += xr[c + 3];
		}
		for (; c < cols; c++)
			s0 += xr[c];
		float mean = ((s0 + s1) + (s2 + s3)) / cols;
		s0 = s1 = s2 = s3 = 0;
		for (c = 0; c + 4 <= cols; c += 4) {
			float d0 = xr[c] - mean, d1 = xr[c + 1] - mean;
			float d2 = xr[c + 2] - mean, d3 = xr[c + 3] - mean;
			s0 += d0 * d0;
			s1 += d1 * d1;
			s2 += d2 * d2;
			s3 += d3 * d3;
		}
		for (; c < cols; c++)
			s0 += (xr[c] - mean) * (xr[c] - mean);
		float inv = 1.0f / sqrtf(((s0 + s1) + (s2 + s3)) / cols + 1e-5f);
		for (c = 0; c < cols; c++)
			yr[c] = (xr[c] - mean) * (inv * gamma[c]) + beta[c];
	}
}
