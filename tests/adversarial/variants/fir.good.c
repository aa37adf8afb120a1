/* expect: ok faster -- four outputs per SSE vector, taps in the same order */
#include <xmmintrin.h>

void fir(int n, int taps, const float *restrict x, const float *restrict h,
	 float *restrict y)
{
	int i = 0;
	for (; i + 4 <= n; i += 4) {
		__m128 acc = _mm_setzero_ps();
		for (int t = 0; t < taps; t++)
			acc = _mm_add_ps(acc, _mm_mul_ps(_mm_set1_ps(h[t]), _mm_loadu_ps(x + i + t)));
		_mm_storeu_ps(y + i, acc);
	}
	for (; i < n; i++) {
		float s = 0.0f;
		for (int t = 0; t < taps; t++)
			s += h[t] * x[i + t];
		y[i] = s;
	}
}
