/* expect: ok faster -- 4 x 4 SSE transposes inside 64 x 64 tiles, scalar edges */
#include <xmmintrin.h>

#define T 64

static void edge(int n, int m, const float *restrict a, float *restrict b, int i0, int i1,
		 int j0, int j1)
{
	for (int i = i0; i < i1; i++)
		for (int j = j0; j < j1; j++)
			b[(long)j * n + i] = a[(long)i * m + j];
}

void transpose(int n, int m, const float *restrict a, float *restrict b)
{
	int n4 = n & ~3, m4 = m & ~3;
	for (int i0 = 0; i0 < n4; i0 += T)
		for (int j0 = 0; j0 < m4; j0 += T) {
			int i1 = i0 + T < n4 ? i0 + T : n4, j1 = j0 + T < m4 ? j0 + T : m4;
			for (int i = i0; i < i1; i += 4)
				for (int j = j0; j < j1; j += 4) {
					__m128 r0 = _mm_loadu_ps(a + (long)i * m + j);
					__m128 r1 = _mm_loadu_ps(a + (long)(i + 1) * m + j);
					__m128 r2 = _mm_loadu_ps(a + (long)(i + 2) * m + j);
					__m128 r3 = _mm_loadu_ps(a + (long)(i + 3) * m + j);
					_MM_TRANSPOSE4_PS(r0, r1, r2, r3);
					_mm_storeu_ps(b + (long)j * n + i, r0);
					_mm_storeu_ps(b + (long)(j + 1) * n + i, r1);
					_mm_storeu_ps(b + (long)(j + 2) * n + i, r2);
					_mm_storeu_ps(b + (long)(j + 3) * n + i, r3);
				}
		}
	edge(n, m, a, b, 0, n4, m4, m);
	edge(n, m, a, b, n4, n, 0, m);
}
