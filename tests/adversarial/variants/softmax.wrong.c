/* expect: wrong -- the normalizing sum leaves out the last column */
#include <math.h>

void softmax(int rows, int cols, const float *restrict x, float *restrict y)
{
	for (int r = 0; r < rows; r++) {
		const float *xr = x + (long)r * cols;
		float *yr = y + (long)r * cols;
		float mx = xr[0], sum = 0.0f;
		for (int c = 1; c < cols; c++)
			mx = xr[c] > mx ? xr[c] : mx;
		for (int c = 0; c < cols; c++) {
			yr[c] = expf(xr[c] - mx);
			if (c < cols - 1)
				sum += yr[c];
		}
		float inv = 1.0f / sum;
		for (int c = 0; c < cols; c++)
			yr[c] *= inv;
	}
}
