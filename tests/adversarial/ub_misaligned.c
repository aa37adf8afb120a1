/* kernel: saxpy
 * expect: crash undefined behavior
 * runtime: crash undefined behavior
 * A misaligned int load (type punning): harmless on x86 in this compiler's
 * -O2 output, undefined behaviour all the same (the sanitizer build traps). */
void saxpy(int n, float a, const float *x, float *y)
{
	int bits = 0;
	if (n >= 2)
		bits = *(const int *)((const char *)x + 1);
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i] + 0.0f * (float)(bits & 1);
}
