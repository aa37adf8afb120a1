#!/usr/bin/env bash
# Early stop: `patience` iterations in a row without a gain beyond the noise
# floor end a search (0: never); search.json says why every search ended.
# The fake model only hands the kernel back unchanged, so no iteration can
# gain, whatever the machine's load.
. "$(dirname "$0")/../lib/cli.sh"
. "$ACCC_SRC/tests/lib/search.sh"

search_kernel k.c
search_env
export ACCC_ITERATIONS=4
printf '{"replies": [{"match": "Choose exactly ONE optimization", "text": "PLAN: keep it."}],\n "default": {"echo_code": true}}\n' > same.json

# stop DIR: a search in its own cache with its own server
stop() {
	export ACCC_DIR=$T_DIR/$1
	fake_start "$T_DIR/same.json" "$T_DIR/$1.log"
	export ACCC_MODELS="openai@$FAKE_URL/v1::fake"
}

stop default
run_cap d1 "$ACCC" gcc -O2 -c k.c -o k1.o
check_eq "default patience: the compile succeeds" "$(cat d1.rc)" 0
check_py "default patience (2): two iterations without a gain, then it stops" 'd["iterations_run"] == 2'
check_py "...and says why" 'd["ended"] == d["stopped"] == "no gain beyond the noise floor in 2 iterations"'
check_py "...its patience is recorded" 'd["config"]["patience"] == 2'
c_default=$(fake_count)

stop one
run_cap o1 env ACCC_PATIENCE=1 "$ACCC" gcc -O2 -c k.c -o k2.o
check_py "patience=1: one iteration" 'd["iterations_run"] == 1'
check_py "...and says why" 'd["ended"] == "no gain beyond the noise floor in 1 iteration"'
c_one=$(fake_count)

stop never
run_cap n1 env ACCC_PATIENCE=0 "$ACCC" gcc -O2 -c k.c -o k3.o
check_py "patience=0: every iteration runs" 'd["iterations_run"] == 4 and "stopped" not in d'
check_py "...and it says so" 'd["ended"] == "all 4 iterations run"'
check "no request after a stop: fewer iterations, fewer requests" \
	test "$c_one" -gt 0 -a "$c_one" -lt "$c_default" -a "$c_default" -lt "$(fake_count)"

finish
