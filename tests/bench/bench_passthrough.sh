#!/usr/bin/env bash
# accc's added cost per compile of a file without the pragma (goal: under
# 1 ms).  Three pairs, each timed in alternating blocks (A B B A ...) of
# BLOCK calls, N calls per side in all (default 200), from a bash loop whose
# own fork cost is the same on both sides:
#   1. a real compile:   cc -c x.c        vs  accc cc -c x.c
#   2. the front alone:  ./fakecc -c x.c  vs  accc ./fakecc -c x.c
#      (fakecc is a C program that exits 0: what remains is accc's exec,
#      its config and PATH look-ups, the classification, the scan of x.c
#      for "autocomp" and the exec of the compiler)
#   3. a non-candidate:  ./fakecc x.o     vs  accc ./fakecc x.o  (a link:
#      no scan)
#   4. with ACCC_BIN_BEFORE set (another build of the front, e.g. of the
#      main branch): the front alone, that build against ACCC_BIN
# Prints the median per-call milliseconds of each side and the difference,
# in wall time and in CPU time (user + sys of the calls, from `times`).
# With hyperfine on PATH (Debian: apt-get install hyperfine), pair 2 is
# also measured by hyperfine.  Prints figures; asserts none.
#
#   ACCC_BIN=build/driver/accc tests/bench/bench_passthrough.sh [N [BLOCK]]
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/bench.sh"
: "${ACCC_SRC:=$(cd "$here/../.." && pwd)}"
: "${ACCC_BUILD:=$ACCC_SRC/build}"
: "${ACCC_BIN:=$ACCC_BUILD/driver/accc}"
n=${1:-200}
block=${2:-20}
nblocks=$(((n + block - 1) / block))

[ -x "$ACCC_BIN" ] || { echo "bench_passthrough: no accc at '$ACCC_BIN' (set ACCC_BIN)" >&2; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/accc-bench-XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1
unset ACCC_CONFIG ACCC_MODE ACCC_CC ACCC_LOGFILE ACCC_TRACE ACCC_STRICT
export XDG_CONFIG_HOME=$W/config ACCC_DIR=$W/cache

cat >x.c <<'C'
#include <stddef.h>
#include <string.h>

struct span { const char *p; size_t n; };

static size_t count_byte(struct span s, char c)
{
	size_t k = 0;
	for (size_t i = 0; i < s.n; i++)
		k += s.p[i] == c;
	return k;
}

size_t count_lines(const char *text)
{
	struct span s = { text, strlen(text) };
	return count_byte(s, '\n');
}
C
echo 'int main(void) { return 0; }' >fakecc.c
cc -O2 -o fakecc fakecc.c || exit 1
cc -c x.c -o x.o || exit 1

# one_block CMD...: run CMD block times; prints the ms per call
one_block() {
	local i t0 t1 c0 c1
	times >"$W/times"	# in this shell: a $(...) would time its own children
	c0=$(children_cpu)
	t0=$EPOCHREALTIME
	for ((i = 0; i < block; i++)); do
		"$@" >/dev/null 2>&1 || { echo "bench_passthrough: '$*' failed" >&2; exit 1; }
	done
	t1=$EPOCHREALTIME
	times >"$W/times"
	c1=$(children_cpu)
	awk -v a="$t0" -v b="$t1" -v c="$c0" -v d="$c1" -v k="$block" \
		'BEGIN { printf "%.4f %.4f\n", (b - a) * 1000 / k, (d - c) * 1000 / k }'
}

# children_cpu: the CPU seconds (user + sys) of the shell's children as
# `times` last wrote them; on a loaded machine steadier than the wall clock
children_cpu() {
	awk 'NR == 2 { split($1, u, "m"); split($2, s, "m"); printf "%.6f\n", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$W/times"
}

# pair LABEL CMD-A... -- CMD-B...: alternating blocks, medians, difference
pair() {
	local label=$1 a=() b=() i
	shift
	while [ "$1" != -- ]; do a+=("$1"); shift; done
	shift
	b=("$@")
	one_block "${a[@]}" >/dev/null	# warm-up
	one_block "${b[@]}" >/dev/null
	: >a.t
	: >b.t
	for ((i = 0; i < nblocks; i++)); do
		if ((i % 2)); then
			one_block "${b[@]}" >>b.t
			one_block "${a[@]}" >>a.t
		else
			one_block "${a[@]}" >>a.t
			one_block "${b[@]}" >>b.t
		fi
	done
	awk -v l="$label" -v a="$(cut -d' ' -f1 a.t | median)" -v b="$(cut -d' ' -f1 b.t | median)" \
	    -v ca="$(cut -d' ' -f2 a.t | median)" -v cb="$(cut -d' ' -f2 b.t | median)" \
	    -v na="${A_NAME:-without accc}" -v nb="${B_NAME:-with accc}" 'BEGIN {
		printf "%-34s %s %7.3f ms  %s %7.3f ms  added %+.3f ms/call (cpu %+.3f ms/call)\n",
			l, na, a, nb, b, b - a, cb - ca }'
}

echo "per-call cost, $((nblocks * block)) calls per side in alternating blocks of $block; accc = $ACCC_BIN"
pair "real compile (cc -c x.c):" cc -c x.c -o x.o -- "$ACCC_BIN" cc -c x.c -o x.o
pair "front alone (fakecc -c x.c):" ./fakecc -c x.c -o x.o -- "$ACCC_BIN" ./fakecc -c x.c -o x.o
pair "non-candidate (fakecc x.o, link):" ./fakecc x.o -o a.out -- "$ACCC_BIN" ./fakecc x.o -o a.out
if [ -n "${ACCC_BIN_BEFORE:-}" ]; then
	A_NAME=before B_NAME=after pair "front before/after (fakecc -c x.c):" \
		"$ACCC_BIN_BEFORE" ./fakecc -c x.c -o x.o -- "$ACCC_BIN" ./fakecc -c x.c -o x.o
fi
if command -v hyperfine >/dev/null; then
	echo
	echo "hyperfine, the front alone:"
	hyperfine -N --warmup 20 --runs "$n" "./fakecc -c x.c -o x.o" \
		"$ACCC_BIN ./fakecc -c x.c -o x.o"
else
	echo "(hyperfine not found: the figures above are from the bash loop only)"
fi
