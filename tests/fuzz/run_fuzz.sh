#!/bin/sh
# run_fuzz.sh FUZZER SEED_CORPUS DICT WORK_DIR SECONDS [SKIP_REASON]
#
# Run a libFuzzer binary for a bounded time (ACCC_FUZZ_SECONDS overrides
# SECONDS).  New inputs go to WORK_DIR/corpus, never to the committed seed
# corpus; a crashing input is saved as WORK_DIR/crash-* and the run fails.
# A non-empty SKIP_REASON (set by CMake when clang-19 or its fuzzer runtime
# is missing) prints it and exits 77.
fuzzer=$1 seeds=$2 dict=$3 work=$4 seconds=${ACCC_FUZZ_SECONDS:-$5} skip=$6

if [ -n "$skip" ]; then
	echo "skipped: $skip"
	exit 77
fi
if [ ! -x "$fuzzer" ]; then
	echo "error: $fuzzer was not built (run the build first)"
	exit 1
fi
# The same inputs in every run: a fixed seed, a fresh working corpus grown
# from the checked-in seeds, and a cap on the executions (the time bound
# only cuts a slow machine's run short, to a prefix of the same sequence).
# A red run is then a finding anyone can reproduce, never a roll of the
# dice; ACCC_FUZZ_SEED=0 (random) and a larger ACCC_FUZZ_RUNS explore.
rm -rf "$work/corpus"
mkdir -p "$work/corpus" || exit 1
# libFuzzer's own exit code for a crash is 77, which ctest would take for
# a skip: make every failure exit 1.
"$fuzzer" -seed="${ACCC_FUZZ_SEED:-1}" -runs="${ACCC_FUZZ_RUNS:-100000}" \
	-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	-error_exitcode=1 -timeout_exitcode=1 \
	${dict:+-dict="$dict"} -artifact_prefix="$work/" -print_final_stats=1 \
	"$work/corpus" "$seeds"
rc=$?
[ $rc -eq 77 ] && rc=1
if [ $rc -ne 0 ]; then
	echo "fuzzer failed (exit $rc); inputs that crashed it:"
	ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null
fi
exit $rc
