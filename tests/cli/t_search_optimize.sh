#!/usr/bin/env bash
# Ahead of time: `accc optimize -p compile_commands.json` runs the search
# (here against the fake LLM server), stores the winner, and the build that
# follows takes it from the cache without asking the server again.
. "$(dirname "$0")/../lib/cli.sh"
. "$ACCC_SRC/tests/lib/search.sh"

search_kernel k.c
search_env
export ACCC_ITERATIONS=1
fake_start "$S_FAKE/search_saxpy.json"
export ACCC_MODELS="openai@$FAKE_URL/v1::fake"
cat > compile_commands.json <<JSON
[{"directory": "$T_DIR", "file": "k.c", "command": "gcc -O2 -c k.c -o k.o"}]
JSON

run_cap o1 "$ACCC" optimize -p compile_commands.json
check_eq "accc optimize succeeds" "$(cat o1.rc)" 0
check_grep "it names the kernel" "saxpy" o1.out
check "it asked the server" test "$(fake_count)" -gt 0
check_eq "one search" "$(cstat searches)" 1
check_eq "one winner" "$(cstat winners)" 1
check_py "the search judged the SSE variant ok" \
	'any(n["status"] == "ok" and n["plan"].startswith("PLAN-FAST") for n in d["nodes"])'
n1=$(fake_count)
run_cap c1 "$ACCC" gcc -O2 -c k.c -o k.o
check_eq "the build succeeds" "$(cat c1.rc)" 0
check_eq "the build searches nothing" "$(cstat searches)" 1
check_eq "the build asks nothing" "$(fake_count)" "$n1"
check_grep "the build splices the stored winner" " t saxpy_accc_sse4" <(nm k.o)
# a second optimize only counts what is cached
run_cap o2 "$ACCC" optimize -p compile_commands.json
check_eq "a second optimize succeeds" "$(cat o2.rc)" 0
check_eq "a second optimize searches nothing" "$(cstat searches)" 1
check_eq "a second optimize asks nothing" "$(fake_count)" "$n1"

finish
