/* "Valid" 2-D convolution (correlation) of an h x w image with a k x k filter. */
#pragma autocomp target(cuda) in(x[h*w], f[k*k]) out(y[(h-k+1)*(w-k+1)]) \
	args(h=2048, w=2048, k=5) assume(k >= 1 && h >= k && w >= k && k <= 15) tol(1e-4) \
	flops(2.0*(h-k+1)*(w-k+1)*k*k) bytes(4.0*(h*w + (h-k+1)*(w-k+1)))
void conv2d(int h, int w, int k, const float *x, const float *f, float *y)
{
	int oh = h - k + 1, ow = w - k + 1;
	for (int i = 0; i < oh; i++)
		for (int j = 0; j < ow; j++) {
			float s = 0.0f;
			for (int p = 0; p < k; p++)
				for (int q = 0; q < k; q++)
					s += x[(i + p) * w + j + q] * f[p * k + q];
			y[i * ow + j] = s;
		}
}
