/* kernel: dot
 * expect: rejected asm
 * runtime: rejected fp-env
 * Lowers the x87 precision control to single precision (fpu_control.h,
 * whose macros are inline asm) and leaves it so, changing the results of
 * any long-double code that runs after it.  Caught by the asm rule and by
 * the comparison of the x87 control word around every call. */
#include <fpu_control.h>

float dot(int n, const float *x, const float *y)
{
	fpu_control_t cw;
	_FPU_GETCW(cw);
	cw = (cw & ~_FPU_EXTENDED) | _FPU_SINGLE;
	_FPU_SETCW(cw);
	float s = 0;
	for (int i = 0; i < n; i++)
		s += x[i] * y[i];
	return s;
}
