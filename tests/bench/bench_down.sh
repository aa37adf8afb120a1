#!/usr/bin/env bash
# What a dead server costs a build (issue 12): 10 annotated files compiled
# one process each (as make -j1 runs them) with
#   base     no server at all: mode=cached, every kernel a miss
#   refused  an LLM endpoint that refuses connections (mode=optimize)
#   hung     an LLM endpoint that reads and never answers (llm_timeout 5 s,
#            no retry)
#   remote   a team-cache remote that never answers (mode=cached, the
#            default 5 s transfer timeout)
# each with failures remembered across processes (down_for, the default)
# and without (down_for=0: each process finds out for itself).  Prints the
# wall time of each build, its cost over base and per compile.  Prints
# figures; asserts none.
#
#   ACCC_BIN=build/driver/accc tests/bench/bench_down.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${ACCC_SRC:=$(cd "$here/../.." && pwd)}"
: "${ACCC_BIN:=$ACCC_SRC/build/driver/accc}"
[ -x "$ACCC_BIN" ] || { echo "bench_down: no accc at '$ACCC_BIN' (set ACCC_BIN)" >&2; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/accc-bench-XXXXXX")
unset ACCC_CONFIG ACCC_MODE ACCC_CC ACCC_LOGFILE ACCC_TRACE ACCC_STRICT ACCC_REMOTE \
	ACCC_MODELS ACCC_DOWN_FOR ACCC_LLM_TIMEOUT MAKEFLAGS
export XDG_CONFIG_HOME=$W/config ACCC_ITERATIONS=1 ACCC_PLANS=1 ACCC_QUIET=true
cd "$W" || exit 1
HUNG=
trap 'kill $HUNG 2>/dev/null; rm -rf "$W"' EXIT
# hung_start: a fresh server that reads requests and never answers (one
# lives 60 s: one per build); sets hung to its URL
hung_start() {
	[ -n "$HUNG" ] && kill $HUNG 2>/dev/null
	rm -f hung.port
	python3 "$ACCC_SRC/tests/unit/test_cache_fake_server.py" slow 600 > hung.port &
	HUNG=$!
	for _ in $(seq 100); do [ -s hung.port ] && break; sleep 0.1; done
	hung=http://127.0.0.1:$(head -n1 hung.port)
}
dead=http://127.0.0.1:$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
for i in 0 1 2 3 4 5 6 7 8 9; do
	printf '#pragma autocomp inout(a[n]) args(n=1000)\nvoid k%d(int n, float *a) { for (int i = 0; i < n; i++) a[i] = a[i] * %d.5f + 1; }\n' $i $i > k$i.c
done
# build NAME VAR=VALUE...: the 10 compiles in a fresh cache; prints seconds
build() {
	local name=$1 t0 i
	shift
	t0=$(date +%s.%N)
	for i in 0 1 2 3 4 5 6 7 8 9; do
		env ACCC_DIR="$W/$name" "$@" "$ACCC_BIN" gcc -O2 -c k$i.c -o k$i.o 2>/dev/null
	done
	echo "$(date +%s.%N) - $t0" | bc
}
base=$(build base ACCC_MODE=cached)
echo "10 annotated compiles, one process each; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %-24s %9s %12s %12s\n' case memory wall_s over_base_s per_compile_s
printf '%-8s %-24s %9.2f\n' base - "$base"
for c in refused hung remote; do
	set -- ACCC_MODELS="openai@$dead/v1::m"
	for mem in "down_for=60 (default)" "down_for=0"; do
		hung_start
		case $c in
		hung) set -- ACCC_MODELS="openai@$hung/v1::m" ACCC_LLM_TIMEOUT=5000 ACCC_LLM_RETRIES=0 ;;
		remote) set -- ACCC_MODE=cached ACCC_REMOTE="$hung" ;;
		esac
		s=$(build "$c-${mem%% *}" ACCC_DOWN_FOR="$(sed 's/down_for=\([0-9]*\).*/\1/' <<<"$mem")" "$@")
		awk -v c="$c" -v m="$mem" -v s="$s" -v b="$base" 'BEGIN {
			printf "%-8s %-24s %9.2f %12.2f %12.3f\n", c, m, s, s - b, (s - b) / 10 }'
	done
done
