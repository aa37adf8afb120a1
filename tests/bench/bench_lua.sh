#!/usr/bin/env bash
# accc's overhead on a whole real build: lua5.4 (Debian's source, upstream's
# src/Makefile, 34 compiles and 2 links; none has the pragma) built with
# CC=cc and with CC=accc, alternated ABBA, RUNS times each (default 5)
# after one untimed warm-up of each, `make clean` between.  make runs with
# -j1, so the time is the sum of the compiles and the ratio is the
# per-compile overhead.  Prints every run's wall and CPU time, the medians
# and the median ratios accc/cc (goal: <= 1.01).  Prints figures; asserts
# none.
#
#   ACCC_BIN=build/driver/accc tests/bench/bench_lua.sh [RUNS]
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/bench.sh"
: "${ACCC_SRC:=$(cd "$here/../.." && pwd)}"
: "${ACCC_BUILD:=$ACCC_SRC/build}"
: "${ACCC_BIN:=$ACCC_BUILD/driver/accc}"
. "$ACCC_SRC/tests/lib/realsrc.sh"
runs=${1:-5}

[ -x "$ACCC_BIN" ] || { echo "bench_lua: no accc at '$ACCC_BIN' (set ACCC_BIN)" >&2; exit 1; }
if ! realsrc_fetch lua5.4; then
	echo "bench_lua: cannot get the Debian source of lua5.4: $REALSRC_WHY" >&2
	exit 77
fi
W=$(mktemp -d "${TMPDIR:-/tmp}/accc-bench-XXXXXX")
trap 'rm -rf "$W"' EXIT
# accc as a user without a config file or a log would run it
unset ACCC_CONFIG ACCC_MODE ACCC_CC ACCC_LOGFILE ACCC_TRACE ACCC_STRICT
export XDG_CONFIG_HOME=$W/config ACCC_DIR=$W/cache
realsrc_lua_tree "$W/lua" || { echo "bench_lua: $REALSRC_WHY" >&2; exit 1; }

# one_build CC: a clean -j1 build; prints its wall and CPU (user + sys of
# make and every child) seconds.  CPU time hardly moves when other work
# shares the machine; wall time does.
one_build() {
	make -C "$W/lua/src" clean >/dev/null 2>&1
	bench_timed bench_lua make -j1 -C "$W/lua/src" linux CC="$1 -std=gnu99"
}


echo "lua5.4 build, make -j1, $runs runs each, ABBA order; accc = $ACCC_BIN"
bench_abba "$runs" "$W/runs"
# columns of runs: cc wall, cc cpu, accc wall, accc cpu
bench_summary "$W/runs" "goal <= 1.01"
