#!/usr/bin/env bash
# End to end, the README's main job on a copy of sols/demo: `make CC=accc
# run` with no LLM configured optimizes the demo's kernels with
# builtin::tuner (small budgets here), the demo's own checks pass with the
# variants in, and a clean second build is all cache hits.
. "$(dirname "$0")/../lib/cli.sh"
. "$ACCC_SRC/tests/lib/e2e.sh"
e2e_env
mkdir demo
cp "$ACCC_SRC"/sols/demo/Makefile "$ACCC_SRC"/sols/demo/*.c "$ACCC_SRC"/sols/demo/*.h demo/
nk=0
for f in demo/*.c; do
	nk=$((nk + $("$ACCC" kernels "$f" 2>/dev/null | grep -c .)))
done
check_eq "accc kernels finds the demo's four kernels" "$nk" 4

ACCC_LOGFILE=$T_DIR/first.log e2e_make demo first -j2 run
check_eq "the first build and run succeed" "$(cat first.rc)" 0
check_grep "the demo's own checks pass with the optimized kernels" "^all checks passed" first.out
check_nogrep "no check fails" "CHECK FAILED" first.out
for k in saxpy dot sgemm histogram; do
	check_grep "the demo times $k, original and optimized side by side" "^  $k .* ms  *[0-9.]* ms  *[0-9.]*x$" first.out
done
check_eq "each kernel searched once" "$(cstat searches)" 4
check_eq "each kernel has its entry" "$(cstat entries)" 4
check_eq "no search failed" "$(cstat search_errors)" 0
check_eq "builtin::tuner needs no LLM call" "$(cstat llm_calls)" 0
check_eq "the tuner beat at least one original" "$(( $(cstat winners) >= 1 ))" 1
check_eq "nothing of accc's on stderr" "$(cat first.err)" ""
"$ACCC" cache list > list.out
check_eq "accc cache list shows the four entries" \
	"$(grep -cE '^  [0-9a-f]{32}  host +(saxpy|dot|sgemm|histogram) ' list.out)" 4

make -C demo --no-print-directory clean >/dev/null
h=$(cstat local_hit)
ACCC_LOGFILE=$T_DIR/second.log e2e_make demo second -j2 run
check_eq "the second build and run succeed" "$(cat second.rc)" 0
check_grep "the demo's checks pass again" "^all checks passed" second.out
check_eq "the second build is all hits" "$(cstat local_hit)" "$((h + 4))"
check_eq "...and searches nothing" "$(cstat searches)" 4
check_eq "...and misses nothing" "$(grep -c 'cache miss' second.log)" 0
finish
