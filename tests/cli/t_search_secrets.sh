#!/usr/bin/env bash
# Secrets: the API keys of URL-named providers reach the server and nothing
# else: not the artifacts, the response store, the cache entries, the log
# or stderr, even when the server rejects a key, or echoes it back.
. "$(dirname "$0")/../lib/cli.sh"
. "$ACCC_SRC/tests/lib/search.sh"

search_kernel k.c
search_env
SECRET_O=sk-test-SECRET-o-$RANDOM$RANDOM$RANDOM
SECRET_A=sk-ant-test-SECRET-a-$RANDOM$RANDOM$RANDOM
WRONG=sk-test-WRONG-$RANDOM$RANDOM$RANDOM
# a server that echoes the key each request carried in its plans (a leaky
# proxy): the client scrubs it
python3 - "$S_FAKE/search_saxpy.json" "$T_DIR/leaky.json" <<'P'
import json, sys
s = json.load(open(sys.argv[1]))
plans = s["replies"][0]
plans["texts"] = [t + " (your key: {key})" for t in plans["texts"]]
json.dump(s, open(sys.argv[2], "w"))
P
FAKE_ENV="FAKE_OPENAI_KEY=$SECRET_O FAKE_ANTHROPIC_KEY=$SECRET_A"
fake_start "$T_DIR/leaky.json"
export ACCC_PLAN_MODELS="openai@$FAKE_URL/v1::fake,anthropic@$FAKE_URL::fake-a"
export ACCC_CODE_MODELS="openai@$FAKE_URL/v1::fake"
export ACCC_LOGFILE=$T_DIR/accc.log ACCC_TRACE=1 ACCC_DEBUG_KEY=1

# leaks NAME: fails for every place a key shows up: the cache folder (runs,
# responses, entries), the log, stdout and stderr of every command (with
# ACCC_TRACE), the kernel keys' debug dumps and `accc cache show` output
leaks() {
	local s f
	for s in "$SECRET_O" "$SECRET_A" "$WRONG"; do
		f=$(grep -rlF -- "$s" "$ACCC_DIR" "$ACCC_LOGFILE" "$T_DIR"/*.err "$T_DIR"/*.out \
			"$T_DIR"/*.accc-key "$T_DIR"/show-* 2>/dev/null)
		check_eq "$1: no key in any file" "$f" ""
	done
}

# --- the right keys: requests authenticated, answers stored
run_cap good env OPENAI_COMPAT_API_KEY="$SECRET_O" ANTHROPIC_COMPAT_API_KEY="$SECRET_A" \
	"$ACCC" gcc -O2 -c k.c -o k.o
check_eq "keys: the compile succeeds" "$(cat good.rc)" 0
check "keys: requests were made" test "$(fake_count)" -gt 0
check_eq "keys: every request carried the right key" "$(fake_count auth ok)" "$(fake_count)"
check_eq "keys: both wire formats were used" \
	"$(( $(fake_count wire anthropic) > 0 && $(fake_count wire openai) > 0 ))" 1
check_grep "keys: the search found the variant" " t saxpy_accc_sse4" <(nm k.o)
check "keys: the response store holds answers" test -n "$(ls -A "$ACCC_DIR/responses")"
check_grep "keys: the echoed key was scrubbed, the plan kept" "PLAN-FAST.*your key: " "$(run_dir)/n001.plan.txt"
check "keys: the log was written" test -s "$ACCC_LOGFILE"
for k in $("$ACCC" cache list | awk '/saxpy/ { print $1 }'); do
	"$ACCC" cache show "$k" > "$T_DIR/show-$k"
done
check "keys: an entry was shown" test -n "$(ls "$T_DIR"/show-* 2>/dev/null)"
leaks keys

# --- a wrong key: the server refuses it (and names it, masked); the build
# goes on with the original
export ACCC_DIR=$T_DIR/wrong
run_cap bad env OPENAI_COMPAT_API_KEY="$WRONG" ANTHROPIC_COMPAT_API_KEY="$WRONG" \
	"$ACCC" gcc -O2 -c k.c -o kw.o
check_eq "wrong key: the compile succeeds" "$(cat bad.rc)" 0
check "wrong key: the server refused" test "$(fake_count status 401)" -gt 0
check_py "wrong key: the refusal is in search.json" \
	'any("401" in n.get("reason", "") for n in d["nodes"])'
leaks "wrong key"

finish
