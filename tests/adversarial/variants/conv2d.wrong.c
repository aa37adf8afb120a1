/* expect: wrong -- the last output column is never written */
void conv2d(int h, int w, int kh, int kw, const float *restrict img,
	    const float *restrict ker, float *restrict out)
{
	int oh = h - kh + 1, ow = w - kw + 1;
	for (int i = 0; i < oh; i++) {
		float *o = out + (long)i * ow;
		for (int j = 0; j < ow - 1; j++)
			o[j] = 0.0f;
		for (int u = 0; u < kh; u++) {
			const float *row = img + (long)(i + u) * w;
			for (int v = 0; v < kw; v++) {
				float kv = ker[u * kw + v];
				for (int j = 0; j < ow - 1; j++)
					o[j] += row[j + v] * kv;
			}
		}
	}
}
