#!/usr/bin/env bash
# Faults: an LLM server that fails some requests (500, 429 with Retry-After,
# malformed answers) still gives a working build with the correct variant;
# a server that is down gives the original kernel, at most one line on
# stderr, and no cache entry, so that the kernel is searched again once the
# server is back.
. "$(dirname "$0")/../lib/cli.sh"
. "$ACCC_SRC/tests/lib/search.sh"

search_kernel k.c
search_env
# the object gcc makes of k.c without its pragma (both lines left blank)
mkdir ref && awk '/^#pragma autocomp/ || /^\targs/ { print ""; next } { print }' k.c > ref/k.c
(cd ref && gcc -O2 -c k.c -o ../plain.o)
# script NAME FAULTS-JSON: tests/fake/search_saxpy.json with those faults
script() {
	python3 - "$S_FAKE/search_saxpy.json" "$2" "$T_DIR/$1.json" <<'P'
import json, sys
s = json.load(open(sys.argv[1]))
s["faults"] = json.loads(sys.argv[2])
json.dump(s, open(sys.argv[3], "w"))
P
	echo "$T_DIR/$1.json"
}
fresh() {
	export ACCC_DIR=$T_DIR/$1
	fake_start "$2" "$T_DIR/$1.log"
	export ACCC_MODELS="openai@$FAKE_URL/v1::fake"
}

# --- transient errors: retried, the search is as if nothing happened
fresh transient "$(script transient '[
  {"kind": "500", "times": 2},
  {"kind": "429", "times": 2, "retry_after": "1"},
  {"kind": "503", "times": 1, "match": "# The plan to implement"}]')"
run_cap t1 "$ACCC" gcc -O2 -c k.c -o kt.o
check_eq "transient: the compile succeeds" "$(cat t1.rc)" 0
check_eq "transient: nothing on stderr" "$(cat t1.err)" ""
check_eq "transient: the server answered 500 twice" "$(fake_count status 500)" 2
check_eq "transient: and 429 twice" "$(fake_count status 429)" 2
check_eq "transient: and 503 once" "$(fake_count status 503)" 1
check_py "transient: no request failed for good" 'all(n["status"] != "llm-error" for n in d["nodes"])'
check_py "transient: a retried request counts once" "d['calls'] == $(fake_count) - 5"
check_grep "transient: the SSE variant is spliced" " t saxpy_accc_sse4" <(nm kt.o)
check_eq "transient: the winner is stored" "$(cstat winners)" 1

# --- errors for good on some requests: those nodes fail, the rest wins
fresh lasting "$(script lasting '[
  {"kind": "500", "match": ["# The plan to implement", "PLAN-MIXED"]},
  {"kind": "invalid_json", "match": ["# The plan to implement", "PLAN-BROKEN"]},
  {"kind": "empty_choices", "match": ["Choose exactly ONE", "faster than the original"]}]')"
run_cap l1 env ACCC_LLM_RETRIES=1 "$ACCC" gcc -O2 -c k.c -o kl.o
check_eq "lasting: the compile succeeds" "$(cat l1.rc)" 0
check "lasting: at most one line on stderr" test "$(wc -l < l1.err)" -le 1
check_py "lasting: the failed code requests are llm-error nodes" \
	'all(n["status"] == "llm-error" for n in d["nodes"] if n.get("plan", "").startswith("PLAN-MIXED"))'
check_py "lasting: their reason names the status" \
	'any("500" in n["reason"] for n in d["nodes"] if n["status"] == "llm-error")'
check_py "lasting: an answer that is not JSON fails its node" \
	'any(n["status"] == "llm-error" and n["reason"].startswith("parse") for n in d["nodes"])'
check_py "lasting: plans answered empty leave llm-error nodes" \
	'any(n["status"] == "llm-error" and n["reason"].startswith("empty") for n in d["nodes"])'
check_py "lasting: the SSE variant still wins" 'd["nodes"][d["beam"][0]]["plan"].startswith("PLAN-FAST")'
check_py "lasting: no wrong variant anywhere" 'all(n["status"] != "wrong" for n in d["nodes"])'
check_grep "lasting: the SSE variant is spliced" " t saxpy_accc_sse4" <(nm kl.o)

# --- the server is down: the original kernel, no entry
export ACCC_DIR=$T_DIR/down
fake_stop
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export ACCC_MODELS="openai@http://127.0.0.1:$port/v1::fake" ACCC_LOGFILE=$T_DIR/down.log
start=$(date +%s)
run_cap d1 env ACCC_LLM_RETRIES=1 "$ACCC" gcc -O2 -c k.c -o kd.o
took=$(( $(date +%s) - start ))
unset ACCC_LOGFILE
check_eq "down: the compile succeeds" "$(cat d1.rc)" 0
check "down: at most one line on stderr" test "$(wc -l < d1.err)" -le 1
check_same "down: the object is the original's" kd.o plain.o
check_py "down: the search stopped after its first step" \
	'd["iterations_run"] == 1 and d["stopped"].startswith("every plan request failed")'
check_py "down: its plans are llm-error nodes" \
	'len(d["nodes"]) == 3 and all(n["status"] == "llm-error" for n in d["nodes"][1:])'
# how quickly is a figure, not an assertion (a loaded machine is slower):
# that it gave up is the stop reason above, after the first step
echo "down: gave up after $took s"
check_eq "down: nothing stored" "$("$ACCC" cache list | grep -c saxpy)" 0
check_eq "down: the search is counted" "$(cstat searches)" 1
# why is said once: on stderr (a warning) or in the log
check_grep "down: the kernel's fallback is explained" "saxpy.*\(original\|not stored\)" <(cat d1.err "$T_DIR/down.log")
# the server is back: the kernel is searched again and its winner stored
fake_start "$S_FAKE/search_saxpy.json" "$T_DIR/back.log"
export ACCC_MODELS="openai@$FAKE_URL/v1::fake"
run_cap b1 "$ACCC" gcc -O2 -c k.c -o kb.o
check_eq "back: the compile succeeds" "$(cat b1.rc)" 0
check_eq "back: searched again" "$(cstat searches)" 2
check_grep "back: the SSE variant is spliced" " t saxpy_accc_sse4" <(nm kb.o)
check_eq "back: the winner is stored" "$("$ACCC" cache list | grep -c saxpy)" 1

# --- strict mode does not turn a failed LLM into a failed build
fake_stop
export ACCC_DIR=$T_DIR/strict ACCC_MODELS="openai@http://127.0.0.1:$port/v1::fake"
run_cap s1 env ACCC_LLM_RETRIES=0 "$ACCC" gcc -O2 -c k.c -o ks.o
check_eq "down, retries 0: the compile succeeds" "$(cat s1.rc)" 0
check_same "down, retries 0: the original object" ks.o plain.o

finish
