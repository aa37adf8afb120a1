#!/bin/bash
# The tuner's benchmark (issue 5): what builtin::tuner really gains on the
# sols/host kernels at -O2.  For each kernel, every plan the tuner offers is
# applied once to the original and judged with timing (each plan's speedup
# is printed); then a greedy chain repeats that on the step's best variant,
# up to STEPS steps (default 4, the search's default iterations; the first
# two steps are the "apply each plan once" and "greedy 2-step" figures).
# Prints every plan's speedup, the best per kernel with its chain, the
# candidates judged, the wall time and the geometric mean.  Prints figures;
# asserts nothing.
#
#   tests/bench/bench_tuner.sh [BUILD_DIR [STEPS]]
#
# ACCC_TUNER_ONLY=name benchmarks one kernel; ACCC_TUNER_SHOW_BEST=1 also
# prints each kernel's best variant.  Run it on a quiet machine: other load
# widens the judge's noise floor, and a plan must beat it to count.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-${ACCC_BUILD:-$src/build}}
steps=${2:-4}
bin=$build/tests/test_tuner
if [ ! -x "$bin" ]; then
	echo "no $bin: build the tests first (cmake --build $build)" >&2
	exit 1
fi
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "compiler: $(gcc --version | head -1)"
ACCC_SRC=$src ACCC_BUILD=$build "$bin" --bench "$steps"
