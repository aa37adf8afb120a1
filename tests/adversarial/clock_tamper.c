/* kernel: saxpy
 * expect: rejected asm
 * runtime: rejected abi
 * Measurement tampering: computes the right answer, then subtracts from
 * every callee-saved register, one of which a harness may hold its start
 * time in, so the measured call looks shorter.  The registers are not
 * declared clobbered, so the compiler does not restore them.  Caught by
 * the asm rule and by the trampoline's check of rbx, rbp, r12-r15. */
void saxpy(int n, float a, const float *x, float *y)
{
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
	__asm__ volatile("subq $200000, %%rbx\n\tsubq $200000, %%r12\n\t"
			 "subq $200000, %%r13\n\tsubq $200000, %%r14\n\tsubq $200000, %%r15"
			 ::: "memory");
}
