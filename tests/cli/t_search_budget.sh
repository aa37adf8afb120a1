#!/usr/bin/env bash
# Budgets: max_calls caps the requests sent (a step sends at most what the
# budget has left, and the search stops at the next step), max_tokens and
# max_wall stop the search at the next step; search.json says why, the build
# goes on with what was found.
. "$(dirname "$0")/../lib/cli.sh"
. "$ACCC_SRC/tests/lib/search.sh"

search_kernel k.c
search_env

# fresh DIR: a search in its own cache, with its own server and log
fresh() {
	export ACCC_DIR=$T_DIR/$1
	fake_start "$S_FAKE/search_saxpy.json" "$T_DIR/$1.log"
	export ACCC_MODELS="openai@$FAKE_URL/v1::fake"
}

# --- max_calls=1: one plan request, then the search stops
fresh calls1
run_cap c1 env ACCC_MAX_CALLS=1 "$ACCC" gcc -O2 -c k.c -o k1.o
check_eq "max_calls=1: the compile succeeds" "$(cat c1.rc)" 0
check_eq "max_calls=1: the server saw one request" "$(fake_count)" 1
check_py "max_calls=1: search.json says why it stopped" '"call budget (1) spent" in d["stopped"]'
check_py "max_calls=1: one call counted" 'd["calls"] == 1'
check_py "max_calls=1: stopped in the first iteration" 'd["iterations_run"] == 1'
check_py "max_calls=1: the answered plan is kept, marked stopped" \
	'[n["status"] for n in d["nodes"] if n.get("plan", "").startswith("PLAN-FAST")] == ["stopped"]'
check_py "max_calls=1: the plan not asked for is marked" \
	'any(n["status"] == "llm-error" and "not sent" in n["reason"] for n in d["nodes"])'
check_py "max_calls=1: nothing judged" 'd["judged"] == 0'
check "max_calls=1: the original kernel is compiled" bash -c "! nm k1.o | grep -q saxpy_accc"
check_eq "max_calls=1: nothing judged, nothing stored" "$("$ACCC" cache list | grep -c saxpy)" 0
check_eq "max_calls=1: llm_calls counted" "$(cstat llm_calls)" 1

# --- max_calls=3: two plans, then one of the four code requests
fresh calls3
run_cap c3 env ACCC_MAX_CALLS=3 "$ACCC" gcc -O2 -c k.c -o k3.o
check_eq "max_calls=3: the compile succeeds" "$(cat c3.rc)" 0
check_eq "max_calls=3: the server saw three requests" "$(fake_count)" 3
check_py "max_calls=3: stopped by the call budget" '"call budget (3) spent" in d["stopped"]'
check_py "max_calls=3: three code slots not sent" \
	'len([n for n in d["nodes"] if n["status"] == "llm-error" and "not sent" in n["reason"]]) == 3'
check_py "max_calls=3: the one implementation sent was judged ok" \
	'[n["status"] for n in d["nodes"] if "code_hash" in n and n["id"]] == ["ok"]'
check_grep "max_calls=3: its winner is spliced" " t saxpy_accc_sse4" <(nm k3.o)
check_eq "max_calls=3: and stored" "$(cstat winners)" 1

# --- max_tokens: the plan step spends more than the budget, no code step
fresh tokens
run_cap t1 env ACCC_MAX_TOKENS=1000 "$ACCC" gcc -O2 -c k.c -o kt.o
check_eq "max_tokens: the compile succeeds" "$(cat t1.rc)" 0
check_eq "max_tokens: only the plan step was sent" "$(fake_count)" 2
check_py "max_tokens: search.json says why it stopped" '"token budget (1000) spent" in d["stopped"]'
check_py "max_tokens: the spent tokens are recorded" 'd["tokens_in"] + d["tokens_out"] > 1000'
check_py "max_tokens: both plans kept, marked stopped" \
	'len([n for n in d["nodes"] if n["status"] == "stopped"]) == 2'

# --- max_wall: answers slower than the budget.  The budget also cuts the
# requests in flight (a stalled server cannot hold make), so the plan step's
# two requests are cut at the budget (the server never finishes them, so it
# logs none); no code step.  The
# answers take 30 s: a compile that waited for them would be a failure of
# the budget itself, not noise (the bound below is 20 s).
FAKE_ARGS="--delay 30" fresh wall
run_cap w1 env ACCC_MAX_WALL=1 "$ACCC" gcc -O2 -c k.c -o kw.o
check_eq "max_wall: the compile succeeds" "$(cat w1.rc)" 0
check_py "max_wall: search.json says why it stopped" '"time budget (1 s) spent" in d["stopped"]'
check_py "max_wall: only the plan step's two requests, no code step" 'd["calls"] == 2'
check_py "max_wall: the requests in flight were cut, not waited for" 'd["wall_s"] < 20'

# --- a budget large enough changes nothing: the full search
fresh big
run_cap b1 env ACCC_MAX_CALLS=1000 ACCC_MAX_TOKENS=100000000 ACCC_MAX_WALL=600 "$ACCC" gcc -O2 -c k.c -o kb.o
check_py "large budgets: no stop" '"stopped" not in d and d["iterations_run"] == 2'
check_eq "large budgets: every request of both iterations" "$(fake_count)" 18

finish
