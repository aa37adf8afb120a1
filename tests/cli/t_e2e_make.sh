#!/usr/bin/env bash
# End to end, one developer: `make -j4 CC=accc` on a small project searches
# each distinct kernel exactly once (concurrent compiles of one kernel wait
# for its search and hit), the program's own checks pass with the variants
# spliced in, and a clean rebuild is all cache hits.  builtin::tuner, no
# network.
. "$(dirname "$0")/../lib/cli.sh"
. "$ACCC_SRC/tests/lib/e2e.sh"
e2e_env
export ACCC_LOGFILE=$T_DIR/build.log

e2e_project p
e2e_make p b1 -j4 check
check_eq "the -j4 build and the program's checks succeed" "$(cat b1.rc)" 0
check_grep "prog's checks pass" "prog: all checks passed" b1.out
check_grep "prog2's checks pass" "prog2: all checks passed" b1.out
check_eq "nothing of accc's on the build's stderr" "$(cat b1.err)" ""
check_eq "one search per distinct kernel" "$(cstat searches)" "$E2E_KERNELS"
check_eq "one entry per distinct kernel" "$(cstat entries)" "$E2E_KERNELS"
check_eq "one store per distinct kernel" "$(cstat store)" "$E2E_KERNELS"
check_eq "each lookup ends in a hit or a search" \
	"$(($(cstat local_hit) + $(cstat searches)))" "$E2E_LOOKUPS"
check_eq "a miss per search, plus one per compile that waited" \
	"$(cstat local_miss)" "$E2E_LOOKUPS"
check "the concurrent compiles of vscale waited for its search" \
	grep -q "kernel 'vscale': found after waiting for its search" build.log
check_eq "the three compiles of vscale share one key" \
	"$(grep -o "kernel 'vscale': cache [a-z]* [0-9a-f]*" build.log | awk '{ print $NF }' | sort -u | wc -l)" 1
check_eq "the kernels were judged" "$(( $(cstat candidates_judged) > 0 ))" 1
check_eq "no LLM call with builtin::tuner" "$(cstat llm_calls)" 0
check_eq "no search failed" "$(cstat search_errors)" 0
keys1=$(cache_keys)
check_eq "the log names exactly the stored keys" "$(log_keys build.log)" "$keys1"

# Where the tuner found a winner, the object holds it: it differs from the
# plain compiler's object; where it did not, the object is the plain one.
winners=0
for fk in vec:vscale red:isum clip:clip8; do
	f=${fk%:*} k=${fk#*:}
	(cd p && cc -O2 -Wno-unknown-pragmas -c $f.c -o $f.plain.o)
	key=$(grep -o "kernel '$k': cache [a-z]* [0-9a-f]*" build.log | head -n1 | awk '{ print $NF }')
	"$ACCC" cache show "$key" > show.$f 2>&1
	if grep -q '"winner": *true' show.$f; then
		winners=$((winners + 1))
		if cmp -s p/$f.o p/$f.plain.o; then bad "$f.o lacks $k's variant"; else ok; fi
	else
		check_same "$f.o is the plain object ($k kept its original)" p/$f.o p/$f.plain.o
	fi
	rm -f p/$f.plain.o
done
check_eq "the winners counter agrees with the entries" "$(cstat winners)" "$winners"
check_eq "the tuner improved at least one kernel" "$((winners > 0))" 1
check "vec.o and vec_copy.o are one compile's output" cmp -s p/vec.o p/vec_copy.o

# A clean rebuild: all hits, no search, same objects.
cp p/vec.o vec.first.o
searches=$(cstat searches) hits=$(cstat local_hit) misses=$(cstat local_miss)
: > build.log
make -C p --no-print-directory clean >/dev/null
e2e_make p b2 -j4 check
check_eq "the rebuild succeeds" "$(cat b2.rc)" 0
check_grep "prog's checks pass again" "prog: all checks passed" b2.out
check_grep "prog2's checks pass again" "prog2: all checks passed" b2.out
check_eq "the rebuild searches nothing" "$(cstat searches)" "$searches"
check_eq "the rebuild misses nothing" "$(cstat local_miss)" "$misses"
check_eq "the rebuild hits every lookup" "$(cstat local_hit)" "$((hits + E2E_LOOKUPS))"
check_same "the rebuild makes the same object" vec.first.o p/vec.o
check_eq "the rebuild's log has hits only" "$(grep -c 'cache miss' build.log)" 0
check_eq "the cache still holds the same keys" "$(cache_keys)" "$keys1"

# accc cache stats shows what the issue lists, in words
"$ACCC" cache stats > stats.txt
for w in "local hits" "local misses" "searches run" "candidates judged" "LLM requests sent" "LLM tokens"; do
	check_grep "cache stats shows $w" "$w" stats.txt
done
check "cache verify finds every entry sound" \
	grep -q "checked $E2E_KERNELS entries: $E2E_KERNELS good, 0 dropped" <("$ACCC" cache verify)

finish
