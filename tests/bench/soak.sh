#!/bin/bash
# The proof that the suite never fails because of timing (issue 15): clone
# the repository fresh into a temporary folder, build it, run the whole
# suite N times back to back, then once more with a CPU hog (a busy loop on
# every core, started here and killed after).  One line per run, then a
# summary; exit 1 when any run had a failure.
#
#   tests/bench/soak.sh [-n N] [--no-hog] [--keep] [REPO]
#
# REPO defaults to this checkout (its committed HEAD is what is cloned).
# Each run is `ctest --output-on-failure -j$(nproc)` in the clone's build
# folder; the log of each is kept as soak-N.log beside it.
set -u
n=5 hog=1 keep=
while [ $# -gt 0 ]; do
	case $1 in
	-n) n=$2; shift 2 ;;
	--no-hog) hog=; shift ;;
	--keep) keep=1; shift ;;
	-*) echo "usage: $0 [-n N] [--no-hog] [--keep] [REPO]" >&2; exit 2 ;;
	*) break ;;
	esac
done
repo=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
work=$(mktemp -d "${TMPDIR:-/tmp}/accc-soak.XXXXXX") || exit 1
hogs=()

stop_hogs() {
	local p
	for p in "${hogs[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	hogs=()
}
cleanup() {
	stop_hogs
	if [ -n "$keep" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "soak: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%F %T') UTC"
git clone -q "$repo" "$work/src" || exit 1
echo "soak: cloned $(git -C "$work/src" rev-parse --short HEAD) into $work/src"
t0=$SECONDS
if ! { cmake -S "$work/src" -B "$work/build" -DACCC_WERROR=ON &&
       cmake --build "$work/build" -j"$(nproc)"; } >"$work/build.log" 2>&1; then
	tail -30 "$work/build.log"
	echo "soak: the build failed"
	exit 1
fi
echo "soak: built in $((SECONDS - t0)) s"

failed_runs=0 total=0
# run NAME: the whole suite once; prints its line
run() {
	local name=$1 log=$work/soak-$1.log t pass fail
	t=$SECONDS
	(cd "$work/build" && ctest --output-on-failure -j"$(nproc)") >"$log" 2>&1
	t=$((SECONDS - t))
	# "NN% tests passed, F tests failed out of T"
	read -r fail all < <(sed -n 's/.* tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\1 \2/p' "$log" | tail -n1)
	fail=${fail:-?} all=${all:-?}
	pass=$([ "$fail" != "?" ] && [ "$all" != "?" ] && echo $((all - fail)) || echo "?")
	total=$((total + 1))
	if [ "$fail" != 0 ]; then
		failed_runs=$((failed_runs + 1))
		printf 'run %-6s FAIL  %s passed, %s failed  %5d s  (%s)\n' "$name" "$pass" "$fail" "$t" "$log"
		grep -E '^[[:space:]]*[0-9]+ - .*\((Failed|Timeout|SEGFAULT|Subprocess)' "$log" | sed 's/^/    /'
		keep=1
	else
		printf 'run %-6s ok    %s passed, 0 failed  %5d s\n' "$name" "$pass" "$t"
	fi
}

for i in $(seq "$n"); do
	run "$i"
done
if [ -n "$hog" ]; then
	for c in $(seq "$(nproc)"); do
		( while :; do :; done ) &
		hogs+=($!)
	done
	run hog
	stop_hogs
fi
echo "soak: $total runs, $failed_runs with failures, $((SECONDS - t0)) s in all"
[ "$failed_runs" -eq 0 ]
