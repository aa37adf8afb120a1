#!/bin/bash
# The judge's benchmark (issue 4): candidates judged per minute for a small
# kernel (build + verify + time, 30 distinct candidates of sols/host/fir.c in
# one evaluate call), and the noise floor of every sols/host kernel judged
# against itself, every kernel's known-good variant against its original,
# and issue 4's noise criteria (20 self-judgments, a 10%-faster variant 20
# times).  Prints figures; not a pass/fail test: the suite asserts "faster"
# only on structural gaps and on instruction counts (issue 15).
#
#   tests/bench/bench_judge.sh [BUILD_DIR]
#
# Run it on a quiet machine: other load shows up as higher noise floors
# (which is the judge doing its job) and fewer candidates per minute.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-${ACCC_BUILD:-$src/build}}
bin=$build/tests/test_judge_sols
noise=$build/tests/test_judge_noise
if [ ! -x "$bin" ] || [ ! -x "$noise" ]; then
	echo "no $bin: build the tests first (cmake --build $build)" >&2
	exit 1
fi
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
ACCC_SRC=$src ACCC_BUILD=$build "$bin" --bench
ACCC_SRC=$src ACCC_BUILD=$build "$noise" --bench
