#!/usr/bin/env bash
# The cuda target without a GPU (CI): accc hw says why, a target(cuda)
# kernel compiles as the original with one warning line, and with nvcc a
# hand-written CUDA variant (ACCC_REPLACE) yields one object joined with
# ld -r that links against the CUDA runtime.  tests/gpu/run covers the GPU.
. "$(dirname "$0")/../lib/cli.sh"
export ACCC_MODE=cached
GCC=$(command -v gcc)
CUDA=/usr/local/cuda

"$ACCC" hw --target cuda >hw.txt 2>&1
status=$?
if grep -q '^gpu ' hw.txt; then
	check_eq "hw with a GPU exits 0" "$status" 0
	check_grep "hw names the arch" '^nvcc-flags .*-arch=sm_' hw.txt
	gpu=1
else
	check_eq "hw without a GPU fails" "$status" 1
	check_grep "hw says there is no GPU" '^error no GPU: ' hw.txt
	gpu=0
fi
"$ACCC" hw --target cuda --json >hw.json 2>/dev/null
check "hw --json is JSON" python3 -c 'import json,sys; d=json.load(open("hw.json")); assert d["target"] == "cuda"'

cp "$ACCC_SRC/sols/cuda/saxpy.c" .
cat > main.c <<'C'
#include <stdio.h>
void saxpy(int n, float a, const float *x, float *y);
int main(void) { float x[3] = {1, 2, 3}, y[3] = {1, 1, 1}; saxpy(3, 2.0f, x, y);
	printf("%g %g %g\n", y[0], y[1], y[2]); return 0; }
C
if [ $gpu = 0 ]; then
	"$ACCC" "$GCC" -O2 -c saxpy.c -o orig.o 2>err.txt
	check_eq "no GPU: the original compiles" "$?" 0
	check_eq "no GPU: one warning line" "$(grep -c 'warning' err.txt)" 1
	check_grep "no GPU: the warning says why" "target 'cuda' is not available for 'saxpy'" err.txt
	check "no GPU: the original defines saxpy" sh -c "nm orig.o | grep -q ' T saxpy$'"
	check "no GPU: no CUDA in the object" sh -c "! nm orig.o | grep -q cudaRegister"
	"$GCC" main.c orig.o -o orig && ./orig >orig.out
	check_eq "the original runs" "$(cat orig.out)" "3 5 7"
fi

if [ ! -x "$CUDA/bin/nvcc" ]; then
	echo "note: no nvcc in $CUDA: the variant build is not tested"
	finish
	exit
fi
ACCC_NVCC=$CUDA/bin/nvcc ACCC_REPLACE="saxpy=$ACCC_SRC/sols/cuda/variants/saxpy.cu" \
	"$ACCC" "$GCC" -O2 -c saxpy.c -o var.o 2>var.err
check_eq "variant: the compile succeeds" "$?" 0
check "variant: one object defines saxpy" sh -c "nm var.o | grep -q ' T saxpy$'"
check "variant: the nvcc part is in it" sh -c "nm var.o | grep -q 'U __cudaRegisterFatBinary'"
check "variant: links with the CUDA runtime alone" \
	"$GCC" main.c var.o -L"$CUDA/lib64" -Wl,-rpath,"$CUDA/lib64" -lcudart -o var
check "variant: a link without it fails" sh -c "! $GCC main.c var.o -o var2 2>/dev/null"
bad_v=$(mktemp --suffix=.cu)
echo 'extern "C" void saxpy(int n, float a, const float *x, float *y) { this is not C++ }' >"$bad_v"
ACCC_NVCC=$CUDA/bin/nvcc ACCC_REPLACE="saxpy=$bad_v" "$ACCC" "$GCC" -O2 -c saxpy.c -o bad.o 2>bad.err
check_eq "a variant nvcc refuses: the build still succeeds" "$?" 0
check_grep "... with a warning" "does not build with nvcc; using the original" bad.err
check "... and the original kernel" sh -c "nm bad.o | grep -q ' T saxpy$' && ! nm bad.o | grep -q cudaRegister"
rm -f "$bad_v"
if [ $gpu = 1 ]; then
	./var >var.out
	check_eq "variant runs on the GPU" "$(cat var.out)" "3 5 7"
fi
finish
