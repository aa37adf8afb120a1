/* Valid 2-D convolution (correlation) of an h x w image with a kh x kw kernel. */
#pragma autocomp target(host) in(img[h*w], ker[kh*kw]) out(out[(h-kh+1)*(w-kw+1)]) \
	args(h=512, w=512, kh=5, kw=5) assume(kh >= 1 && kw >= 1 && h >= kh && w >= kw) \
	flops(2.0*(h-kh+1)*(w-kw+1)*kh*kw)
void conv2d(int h, int w, int kh, int kw, const float *img, const float *ker, float *out)
{
	int oh = h - kh + 1, ow = w - kw + 1;
	for (int i = 0; i < oh; i++)
		for (int j = 0; j < ow; j++) {
			float s = 0.0f;
			for (int u = 0; u < kh; u++)
				for (int v = 0; v < kw; v++)
					s += img[(i + u) * w + (j + v)] * ker[u * kw + v];
			out[i * ow + j] = s;
		}
}
