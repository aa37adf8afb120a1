/* expect: ok faster -- four points per SSE vector, sums in the same order */
#include <xmmintrin.h>

void stencil5(int n, int m, const float *restrict in, float *restrict out)
{
	const __m128 fifth = _mm_set1_ps(0.2f);
	for (int i = 1; i < n - 1; i++) {
		const float *up = in + (long)(i - 1) * m, *mid = up + m, *dn = mid + m;
		float *o = out + (long)(i - 1) * (m - 2) - 1;
		int j = 1;
		for (; j + 4 <= m - 1; j += 4) {
			__m128 s = _mm_add_ps(_mm_loadu_ps(mid + j), _mm_loadu_ps(up + j));
			s = _mm_add_ps(s, _mm_loadu_ps(dn + j));
			s = _mm_add_ps(s, _mm_loadu_ps(mid + j - 1));
			s = _mm_add_ps(s, _mm_loadu_ps(mid + j + 1));
			_mm_storeu_ps(o + j, _mm_mul_ps(fifth, s));
		}
		for (; j < m - 1; j++)
			o[j] = 0.2f * (mid[j] + up[j] + dn[j] + mid[j - 1] + mid[j + 1]);
	}
}
