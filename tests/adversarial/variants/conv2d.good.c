/* expect: ok faster -- four outputs per SSE vector, terms in the same order */
#include <xmmintrin.h>

void conv2d(int h, int w, int kh, int kw, const float *restrict img,
	    const float *restrict ker, float *restrict out)
{
	int oh = h - kh + 1, ow = w - kw + 1;
	for (int i = 0; i < oh; i++) {
		int j = 0;
		for (; j + 4 <= ow; j += 4) {
			__m128 acc = _mm_setzero_ps();
			for (int u = 0; u < kh; u++) {
				const float *row = img + (long)(i + u) * w + j;
				for (int v = 0; v < kw; v++)
					acc = _mm_add_ps(acc, _mm_mul_ps(_mm_loadu_ps(row + v),
									 _mm_set1_ps(ker[u * kw + v])));
			}
			_mm_storeu_ps(out + (long)i * ow + j, acc);
		}
		for (; j < ow; j++) {
			float s = 0.0f;
			for (int u = 0; u < kh; u++)
				for (int v = 0; v < kw; v++)
					s += img[(long)(i + u) * w + (j + v)] * ker[u * kw + v];
			out[(long)i * ow + j] = s;
		}
	}
}
