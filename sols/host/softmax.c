/* Row-wise softmax of a rows x cols matrix (max-subtracted for stability). */
#include <math.h>

#pragma autocomp target(host) in(x[rows*cols]) out(y[rows*cols]) \
	args(rows=256, cols=1024) assume(rows >= 1 && cols >= 1) init(x: uniform(-8, 8))
void softmax(int rows, int cols, const float *x, float *y)
{
	for (int r = 0; r < rows; r++) {
		const float *xr = x + (long)r * cols;
		float *yr = y + (long)r * cols;
		float mx = xr[0], sum = 0.0f;
		for (int c = 1; c < cols; c++)
			mx = xr[c] > mx ? xr[c] : mx;
		for (int c = 0; c < cols; c++) {
			yr[c] = expf(xr[c] - mx);
			sum += yr[c];
		}
		for (int c = 0; c < cols; c++)
			yr[c] /= sum;
	}
}
