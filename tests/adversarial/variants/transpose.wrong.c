/* expect: wrong -- whole tiles only: right when 32 divides both sizes */
#define T 32

void transpose(int n, int m, const float *restrict a, float *restrict b)
{
	for (int i0 = 0; i0 + T <= n; i0 += T)
		for (int j0 = 0; j0 + T <= m; j0 += T)
			for (int i = i0; i < i0 + T; i++)
				for (int j = j0; j < j0 + T; j++)
					b[(long)j * n + i] = a[(long)i * m + j];
}
