#!/usr/bin/env bash
# Ensembles: two plan models speaking different wire formats (OpenAI Chat
# Completions and Anthropic Messages, both on the fake server) and one code
# model; the plan slots are split between the planners, and search.json
# records which model planned and which one coded every node.
. "$(dirname "$0")/../lib/cli.sh"
. "$ACCC_SRC/tests/lib/search.sh"

search_kernel k.c
search_env
fake_start "$S_FAKE/search_saxpy.json"
PA="openai@$FAKE_URL/v1::planner-a"
PB="anthropic@$FAKE_URL::planner-b"
CODER="openai@$FAKE_URL/v1::coder"
export ACCC_PLAN_MODELS="$PA,$PB" ACCC_CODE_MODELS="$CODER"
# `models` is only the default of the two lists: never used here
export ACCC_MODELS="openai@http://127.0.0.1:1/v1::unused"

run_cap c1 "$ACCC" gcc -O2 -c k.c -o k.o
check_eq "the ensemble search compiles" "$(cat c1.rc)" 0
check_grep "it finds the SSE variant" " t saxpy_accc_sse4" <(nm k.o)

# the server saw both wire formats, each from its own model
check "planner-a was asked (OpenAI wire)" test "$(fake_count model planner-a)" -gt 0
check "planner-b was asked (Anthropic wire)" test "$(fake_count model planner-b)" -gt 0
check_eq "planner-a spoke only OpenAI" "$(fake_count model planner-a)" \
	"$(python3 -c 'import json, sys
print(sum(1 for l in open(sys.argv[1]) if json.loads(l).get("model") == "planner-a" and json.loads(l).get("wire") == "openai"))' "$FAKE_LOG")"
check_eq "every Anthropic request came from planner-b" "$(fake_count wire anthropic)" "$(fake_count model planner-b)"
check_eq "planners got the 6 plan requests (2 + 4)" \
	$(( $(fake_count model planner-a) + $(fake_count model planner-b) )) 6
check_eq "the coder got the 12 code requests" "$(fake_count model coder)" 12
check_eq "the unused default model got nothing" "$(fake_count model unused)" 0
check_eq "every request was answered" "$(fake_count status 200)" "$(fake_count)"

# search.json: the configuration and every node's models
check_py "config lists both planners" "d['config']['plan_models'] == ['$PA', '$PB']"
check_py "config lists the coder" "d['config']['code_models'] == ['$CODER']"
check_py "every node names its planner" \
	"all(n['plan_model'] in ('$PA', '$PB') for n in d['nodes'][1:])"
check_py "both planners planned nodes" "{n['plan_model'] for n in d['nodes'][1:]} == {'$PA', '$PB'}"
check_py "every node names its coder" "all(n['code_model'] == '$CODER' for n in d['nodes'][1:])"
check_py "the unused model appears nowhere" "'unused' not in json.dumps(d)"
# the models on the winner's path are stored with it
key=$(basename "$(run_dir)"); key=${key#saxpy-}
"$ACCC" cache show "$key" | sed -n '/^models/,/^plan trail/p' > models.txt
check_grep "the entry names the coder" "^  $CODER\$" models.txt
check_grep "the entry names the winner's planner" "^  $PA\$" models.txt
check_nogrep "the entry names only the models on the winner's path" "planner-b" models.txt

finish
