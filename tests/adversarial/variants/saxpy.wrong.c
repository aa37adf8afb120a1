/* expect: wrong -- blocks of 8 and no tail loop: right only when 8 divides n */
void saxpy(int n, float a, const float *restrict x, float *restrict y)
{
	for (int i = 0; i + 8 <= n; i += 8)
		for (int k = 0; k < 8; k++)
			y[i + k] = a * x[i + k] + y[i + k];
}
