/* expect: ok faster -- partial maxima and sums, multiply by the reciprocal */
#include <math.h>

void softmax(int rows, int cols, const float *restrict x, float *restrict y)
{
	for (int r = 0; r < rows; r++) {
		const float *xr = x + (long)r * cols;
		float *yr = y + (long)r * cols;
		float m0 = xr[0], m1 = xr[0], m2 = xr[0], m3 = xr[0];
		int c = 0;
		for (; c + 4 <= cols; c += 4) {
			m0 = xr[c] > m0 ? xr[c] : m0;
			m1 = xr[c + 1] > m1 ? xr[c + 1] : m1;
			m2 = xr[c + 2] > m2 ? xr[c + 2] : m2;
			m3 = xr[c + 3] > m3 ? xr[c + 3] : m3;
		}
		for (; c < cols; c++)
			m0 = xr[c] > m0 ? xr[c] : m0;
		float mx = fmaxf(fmaxf(m0, m1), fmaxf(m2, m3));
		float s0 = 0.0f, s1 = 0.0f;
		for (c = 0; c + 2 <= cols; c += 2) {
			s0 += yr[c] = expf(xr[c] - mx);
			s1 += yr[c + 1] = expf(xr[c + 1] - mx);
		}
		for (; c < cols; c++)
			s0 += yr[c] = expf(xr[c] - mx);
		float inv = 1.0f / (s0 + s1);
		for (c = 0; c < cols; c++)
			yr[c] *= inv;
	}
}
