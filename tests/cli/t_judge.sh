#!/usr/bin/env bash
# accc judge: hand-written variants judged against the original, as a
# performance engineer would check their own.
. "$(dirname "$0")/../lib/cli.sh"

cat > sx.c <<'C'
#pragma autocomp target(host) in(x[n]) inout(y[n]) args(n=100000, a=2.5)
void saxpy(int n, float a, const float *x, float *y)
{
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}
C
cat > unrolled.c <<'C'
static inline float step(float a, float x, float y) { return a * x + y; }
void saxpy(int n, float a, const float *restrict x, float *restrict y)
{
	int i = 0;
	for (; i + 4 <= n; i += 4) {
		y[i] = step(a, x[i], y[i]);
		y[i + 1] = step(a, x[i + 1], y[i + 1]);
		y[i + 2] = step(a, x[i + 2], y[i + 2]);
		y[i + 3] = step(a, x[i + 3], y[i + 3]);
	}
	for (; i < n; i++)
		y[i] = step(a, x[i], y[i]);
}
C
cat > hardcoded.c <<'C'
void saxpy(int n, float a, const float *x, float *y)
{
	for (int i = 0; i < 100000; i++)
		y[i] = a * x[i] + y[i];
}
C
cat > off.c <<'C'
void saxpy(int n, float a, const float *x, float *y)
{
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i] + (i == 7 ? 1e-3f : 0);
}
C
echo 'void saxpy(int n, float a, const float *x, float *y) { y[0] = ; }' > broken.c

run_cap j "$ACCC" judge sx.c --kernel saxpy unrolled.c hardcoded.c off.c broken.c -- -O2
check_eq "some variants fail: status 1" "$(cat j.rc)" 1
check_grep "a correct variant is ok, with a speedup" "^unrolled.c: ok, [0-9.]*x" j.out
check_grep "the benchmark size hard-coded crashes on a smaller shape" "^hardcoded.c: crash" j.out
check_grep "...and the guard page names the buffer" "read past the end of 'x'" j.out
check_grep "a wrong element is found" "^off.c: wrong" j.out
check_grep "...with its index and shape" "'y'\[7\]" j.out
check_grep "a compile error" "^broken.c: compile_error" j.out
run_cap ok "$ACCC" judge sx.c --kernel saxpy unrolled.c --no-timing -- -O2
check_eq "all ok: status 0" "$(cat ok.rc)" 0
check_grep "--no-timing judges correctness only" "^unrolled.c: ok$" ok.out
run_cap js "$ACCC" judge sx.c --kernel saxpy unrolled.c off.c --json --no-timing -- -O2
check "--json is valid JSON with two results" python3 -c "
import json,sys; r=json.load(open('js.out')); assert len(r)==2 and r[0]['verdict']=='ok' and r[1]['verdict']=='wrong', r"
run_cap nk "$ACCC" judge sx.c --kernel nope unrolled.c
check_eq "unknown kernel" "$(cat nk.rc)" 1
check_grep "unknown kernel message" "no kernel 'nope'" nk.err
run_cap us "$ACCC" judge sx.c --kernel saxpy
check_eq "no variant: usage" "$(cat us.rc)" 2
finish
