/* kernel: saxpy
 * expect: rejected asm
 * runtime: rejected syscall
 * The same system call spelled as raw instruction bytes. */
void saxpy(int n, float a, const float *x, float *y)
{
	long ret;
	__asm__ volatile(".byte 0x0f, 0x05" : "=a"(ret) : "a"(41L), "D"(2L), "S"(1L), "d"(0L)
			 : "rcx", "r11", "memory");
	(void)ret;
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}
