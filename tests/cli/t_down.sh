#!/usr/bin/env bash
# Failures remembered: an LLM endpoint that refuses connections or never
# answers, and a team-cache remote that hangs, are paid once over a build of
# 10 annotated files, not once per compile: the first failure for good
# (a refused connection at once, a timeout after its retries) leaves a
# marker under <dir>/down/ that every later accc process honours for
# `down_for` seconds (0: each process finds out for itself).  The skips are counted by `accc cache stats`.
. "$(dirname "$0")/../lib/cli.sh"
. "$ACCC_SRC/tests/lib/search.sh"

search_env
export ACCC_PLANS=1 ACCC_LLM_RETRIES=4
for i in 0 1 2 3 4 5 6 7 8 9; do
	cat > k$i.c <<C
#pragma autocomp inout(a[n]) args(n=1000)
void k$i(int n, float *a) { for (int i = 0; i < n; i++) a[i] = a[i] * $i.5f + 1; }
C
done
# build NAME: the 10 compiles, one process each (as make runs them), with a
# log of their own; every compile must succeed
build() {
	local i rc=0
	: > "$T_DIR/$1.log"
	for i in 0 1 2 3 4 5 6 7 8 9; do
		ACCC_LOGFILE=$T_DIR/$1.log "$ACCC" gcc -O2 -c k$i.c -o k$i.o 2>>"$1.err" || rc=1
	done
	check_eq "$1: all 10 compiles succeed" "$rc" 0
}
# requests LOG METHOD: the HTTP requests the build's processes sent
requests() { grep -c "http: $2 " "$T_DIR/$1.log"; }
# a port nothing listens on
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# hung: a server that reads each request and never answers in time
hung_start() {
	python3 "$ACCC_SRC/tests/unit/test_cache_fake_server.py" slow 30 > hung.port &
	HUNG_PID=$!
	for _ in $(seq 100); do [ -s hung.port ] && break; sleep 0.1; done
	HUNG_URL=http://127.0.0.1:$(head -n1 hung.port)
}
trap 'fake_stop; [ -n "${HUNG_PID:-}" ] && kill "$HUNG_PID" 2>/dev/null; rm -rf "$T_DIR"' EXIT

# --- an endpoint that refuses: one attempt in the whole build
export ACCC_DIR=$T_DIR/refused ACCC_MODELS="openai@http://127.0.0.1:$port/v1::fake"
build refused
check_eq "refused: one request in 10 compiles, not retried" "$(requests refused POST)" 1
check_eq "refused: 9 compiles skipped it, counted" "$(cstat llm_down_skip)" 9
check_eq "refused: one marker under <dir>/down" "$(ls "$ACCC_DIR/down" | wc -l)" 1
check_grep "refused: the marker says why" "refused" "$ACCC_DIR"/down/*
check_grep "refused: a skip is logged with its reason" "not sent: .*failed recently" "$T_DIR/refused.log"
check_eq "refused: nothing stored (searched again once it is back)" "$("$ACCC" cache list | grep -c ' k[0-9] ')" 0
"$ACCC" cache stats > stats.txt
check_grep "refused: cache stats shows the skips" "LLM requests skipped: endpoint recently down *9" stats.txt

# --- down_for=0: nothing remembered, each compile finds out for itself
export ACCC_DIR=$T_DIR/nomemory ACCC_DOWN_FOR=0
build nomemory
check_eq "down_for=0: one request per compile" "$(requests nomemory POST)" 10
check "down_for=0: no marker" test ! -e "$ACCC_DIR/down"
unset ACCC_DOWN_FOR

# --- an endpoint that never answers: one timeout in the whole build
hung_start
export ACCC_DIR=$T_DIR/hung ACCC_MODELS="openai@$HUNG_URL/v1::fake" ACCC_LLM_TIMEOUT=1500 \
	ACCC_LLM_RETRIES=1
build hung
check_eq "hung endpoint: only the first compile sent requests" \
	"$(grep 'http: POST ' "$T_DIR/hung.log" | awk '{ print $2 }' | sort -u | wc -l)" 1
check_grep "hung endpoint: it timed out" "http: POST .* -> timeout" "$T_DIR/hung.log"
check_eq "hung endpoint: 9 compiles skipped it" "$(cstat llm_down_skip)" 9
unset ACCC_LLM_TIMEOUT ACCC_LLM_RETRIES

# --- a team cache that hangs: one lookup in the whole build (a fresh
# server: the test one lives 60 s)
kill "$HUNG_PID" 2>/dev/null
hung_start
export ACCC_DIR=$T_DIR/remote ACCC_MODE=cached ACCC_REMOTE="$HUNG_URL|timeout=1000"
build remote
check_eq "hung remote: one lookup in 10 compiles" "$(requests remote GET)" 1
check_eq "hung remote: 9 compiles skipped it, counted" "$(cstat remote_down_skip)" 9
check_grep "hung remote: it timed out" "http: GET .* -> timeout" "$T_DIR/remote.log"
check_grep "hung remote: the skip is logged" "remote .* skipped: it failed recently" "$T_DIR/remote.log"
"$ACCC" cache stats > rstats.txt
check_grep "hung remote: cache stats shows the skips" "remote lookups skipped: recently down *9" rstats.txt
unset ACCC_MODE ACCC_REMOTE

finish
