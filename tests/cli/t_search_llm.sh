#!/usr/bin/env bash
# The search through the compile path, against the fake LLM server: it finds
# the correct faster variant among wrong, code-less and broken ones, stores
# and splices it, leaves a complete artifacts folder, feeds the judge's
# verdicts into the next iteration's plan prompts, and a repeated search is
# answered by the response store alone.
. "$(dirname "$0")/../lib/cli.sh"
. "$ACCC_SRC/tests/lib/search.sh"

search_kernel k.c
search_env
fake_start "$S_FAKE/search_saxpy.json"
export ACCC_MODELS="openai@$FAKE_URL/v1::fake"

# --- 1. the compile path searches, stores and splices the winner
run_cap c1 "$ACCC" gcc -O2 -c k.c -o k.o
check_eq "compile with a search succeeds" "$(cat c1.rc)" 0
check_eq "nothing on stderr (not a terminal)" "$(cat c1.err)" ""
check_grep "the object holds the variant's static helper" " t saxpy_accc_sse4" <(nm k.o)
cat > main.c <<'C'
#include <stdio.h>
void saxpy(int n, float a, const float *x, float *y);
int main(void)
{
	static float x[1003], y[1003];
	int i, bad = 0;
	for (i = 0; i < 1003; i++) { x[i] = (float)i; y[i] = 1.0f; }
	saxpy(1003, 2.0f, x, y);
	for (i = 0; i < 1003; i++)
		bad += y[i] != 2.0f * (float)i + 1.0f;
	printf("%s\n", bad ? "wrong" : "right");
	return bad != 0;
}
C
gcc -O2 main.c k.o -o prog && ./prog > prog.out
check_eq "a program linked with the object computes saxpy" "$(cat prog.out)" right
key=$(basename "$(run_dir)"); key=${key#saxpy-}
check_grep "cache list names the kernel" "$key .*saxpy" <("$ACCC" cache list)
"$ACCC" cache show "$key" > show1.txt
check_grep "the stored entry is the variant" "saxpy_accc_sse4" show1.txt
check_grep "the stored entry is a winner" '"winner":true' show1.txt
check_grep "the plan trail is stored" "PLAN-FAST" show1.txt
check_grep "the model is stored" "openai@$FAKE_URL/v1::fake" show1.txt
check_eq "one search counted" "$(cstat searches)" 1
check_eq "one winner counted" "$(cstat winners)" 1
check "llm_calls counted" test "$(cstat llm_calls)" -gt 0
check "tokens counted" test "$(cstat tokens)" -gt 0
check "candidates_judged counted" test "$(cstat candidates_judged)" -gt 0
check_eq "llm_calls equals the server's count" "$(cstat llm_calls)" "$(fake_count)"
check_eq "search.json calls equal the server's count" "$(sj 'd["calls"]')" "$(fake_count)"

# a second compile is a cache hit: no search, no request, the same object
n1=$(fake_count)
"$ACCC" gcc -O2 -c k.c -o k2.o
check_same "a cache hit gives the same object" k.o k2.o
check_eq "a cache hit sends nothing" "$(fake_count)" "$n1"
check_eq "a cache hit searches nothing" "$(cstat searches)" 1

# --- 2. the artifacts: search.json holds the tree, every file is there
R=$(run_dir)
check_py "search.json names the kernel" 'd["kernel"] == "saxpy"'
check_py "two iterations ran" 'd["iterations_run"] == 2'
check_py "the config is recorded" \
	'(d["config"]["beam"], d["config"]["plans"], d["config"]["samples"], d["config"]["accept"]) == (2, 2, 2, "strict")'
check_py "node 0 is the original" 'd["nodes"][0]["status"] == "original" and d["nodes"][0]["parent"] == -1'
check_py "ids are positions" 'all(n["id"] == i for i, n in enumerate(d["nodes"]))'
check_py "every parent is an earlier node" 'all(0 <= n["parent"] < n["id"] for n in d["nodes"][1:])'
check_py "a child is one iteration past its parent" \
	'all(n["iteration"] > d["nodes"][n["parent"]]["iteration"] for n in d["nodes"][1:])'
check_py "every candidate has a plan and both models" \
	'all(n.get("plan") and n.get("plan_model") and n.get("code_model") for n in d["nodes"][1:])'
check_py "every candidate records its tokens" \
	'all(n["tokens_in"] > 0 and n["tokens_out"] > 0 for n in d["nodes"][1:])'
check_py "token totals add up" 'd["tokens_in"] > 0 and d["tokens_out"] > 0'
check_py "all six outcomes appear" \
	'{"ok", "wrong", "no-code", "compile_error", "rejected", "duplicate"} <= {n["status"] for n in d["nodes"]}'
check_py "ok nodes carry their timing" \
	'all(n["timing"]["speedup"] > 0 and n["timing"]["candidate"] > 0 and n["timing"]["baseline"] > 0 for n in d["nodes"] if n["status"] == "ok")'
check_py "the SSE variant is ok and faster" \
	'all(n["status"] == "ok" and n["timing"]["faster"] and n["timing"]["speedup"] > 1 for n in d["nodes"] if n.get("plan", "").startswith("PLAN-FAST") and n["status"] != "duplicate")'
check_py "only the SSE variant is faster" \
	'all(n["plan"].startswith("PLAN-FAST") for n in d["nodes"] if n.get("timing", {}).get("faster"))'
check_py "the slower variant is correct, not faster, and kept out of the beam" \
	'[(n["status"], n["timing"]["faster"], n["id"] in d["beam"]) for n in d["nodes"] if n.get("plan", "").startswith("PLAN-SLOW") and "timing" in n] == [("ok", False, False)]'
check_py "the cheating variant is rejected for its static state" \
	'any(n["status"] == "rejected" and "static" in n["reason"] for n in d["nodes"])'
check_py "no other node carries a timing" \
	'all("timing" not in n for n in d["nodes"] if n["status"] != "ok")'
check_py "the winner leads the beam" 'd["nodes"][d["beam"][0]]["status"] == "ok"'
check_py "the wrong variant's reason names the mismatch" \
	'any("want" in n.get("reason", "") for n in d["nodes"] if n["status"] == "wrong")'
check_py "a duplicate points at a judged node with the same code" \
	'all(d["nodes"][n["duplicate_of"]]["code_hash"] == n["code_hash"] and d["nodes"][n["duplicate_of"]]["status"] not in ("duplicate", "original") for n in d["nodes"] if n["status"] == "duplicate")'
check_py "identical code is judged once" \
	'len([n for n in d["nodes"][1:] if n["status"] not in ("duplicate", "no-code", "llm-error", "stopped")]) == len({n["code_hash"] for n in d["nodes"][1:] if "code_hash" in n})'
# the reformatted copy of the SSE code (sample 1 of PLAN-FAST) is a duplicate
dup=$(sj '[n["id"] for n in d["nodes"] if n["status"] == "duplicate" and d["nodes"][n["duplicate_of"]]["status"] == "ok"][0]')
orig=$(sj "d['nodes'][$dup]['duplicate_of']")
check "the duplicate's text differs (comments, spaces)" \
	bash -c "! cmp -s '$R/n$(printf %03d "$dup").c' '$R/n$(printf %03d "$orig").c'"
missing=
for id in $(sj '" ".join(str(n["id"]) for n in d["nodes"][1:])'); do
	f=$R/n$(printf %03d "$id")
	for x in plan-prompt.txt plan.txt code-prompt.txt response.txt; do
		[ -s "$f.$x" ] || missing="$missing $f.$x"
	done
done
for id in $(sj '" ".join(str(n["id"]) for n in d["nodes"] if "code_hash" in n and n["id"])'); do
	[ -s "$R/n$(printf %03d "$id").c" ] || missing="$missing n$id.c"
done
for id in $(sj '" ".join(str(n["id"]) for n in d["nodes"] if n["status"] in ("ok", "wrong", "compile_error", "rejected"))'); do
	[ -s "$R/n$(printf %03d "$id").verdict.txt" ] || missing="$missing n$id.verdict.txt"
done
check_eq "every prompt, response, code and verdict file exists" "$missing" ""
nocode=$(sj '[n["id"] for n in d["nodes"] if n["status"] == "no-code"][0]')
check "a no-code node has its response but no code file" \
	test -s "$R/n$(printf %03d "$nocode").response.txt" -a ! -e "$R/n$(printf %03d "$nocode").c"
check_grep "the no-code response is kept as it came" "rather not write code" \
	"$R/n$(printf %03d "$nocode").response.txt"
broken=$(sj '[n["id"] for n in d["nodes"] if n["status"] == "compile_error"][0]')
check_grep "the compile error's code is kept" "a \* x\[i\] + ;" "$R/n$(printf %03d "$broken").c"

# --- 3. feedback flows into the next iteration; clauses are in every prompt
nprompts=0
for p in "$R"/*prompt.txt; do
	nprompts=$((nprompts + 1))
	grep -q "n % 4 == 0" "$p" || bad "assume clause missing from $p"
	grep -q "x and y never overlap" "$p" || bad "hint missing from $p"
done
check "prompts were written" test "$nprompts" -ge 8
# a second-iteration plan prompt grown from the original lists the first
# iteration's attempts with the judge's verdicts
root2=$(sj '[n["id"] for n in d["nodes"] if n["iteration"] == 1 and n["parent"] == 0][0]')
P2=$R/n$(printf %03d "$root2").plan-prompt.txt
wrong_reason=$(sj '[n["reason"] for n in d["nodes"] if n["status"] == "wrong"][0]')
check_fgrep "iteration 2 sees iteration 1's mismatch" "result: wrong ($wrong_reason)" "$P2"
check_grep "iteration 2 sees iteration 1's speedup" "result: ok, [0-9]*\.[0-9][0-9]x the original" "$P2"
check_grep "iteration 2 sees the answer without code" "result: no-code" "$P2"
# the compiler's words, relative to the variant as the model wrote it
check_py "a compile error keeps the compiler's first lines" \
	'all("error:" in n["diagnostics"] and "accc-variant/saxpy.c:" in n["diagnostics"] and len(n["diagnostics"]) <= 2200 for n in d["nodes"] if n["status"] == "compile_error")'
check_grep "the compile error's verdict holds the message" "accc-variant/saxpy.c:[0-9]*:[0-9]*: error:" \
	"$R/n$(printf %03d "$broken").verdict.txt"
P1=$R/n001.plan-prompt.txt
check_grep "iteration 1 had no feedback yet" "none yet (this is the original)" "$P1"
check_nogrep "iteration 1 saw no attempts" "Earlier attempts" "$P1"
# grown from the winner: its history and timing
win2=$(sj '[n["id"] for n in d["nodes"] if n["iteration"] == 1 and d["nodes"][n["parent"]]["status"] == "ok"][0]')
PW=$R/n$(printf %03d "$win2").plan-prompt.txt
check_grep "the winner's child sees its history" "^1\. PLAN-FAST.* -> x[0-9]*\.[0-9][0-9]$" "$PW"
check_grep "the winner's child sees its timing" "^ok, [0-9]*\.[0-9][0-9]x faster than the original" "$PW"
check_grep "the winner's child is shown the winner's code" "saxpy_accc_sse4" "$PW"
check_grep "a code prompt carries its plan" "PLAN-FAST" "$R/n001.code-prompt.txt"
check_grep "a code prompt shows the unit's context" "do not redefine them" "$R/n001.code-prompt.txt"
check_grep "a plan prompt shows the unit's context" "do not redefine them" "$P1"

# --- 5. the response store: a repeated search never pays twice
# Prompts of a second iteration carry fresh timings (and the judge's random
# inputs in a mismatch), so only a search of one iteration repeats exactly;
# a longer one re-asks only what it had not asked before.
cp "$R/search.json" first.json
source_of() { awk 'f == 2 { print } f == 1 && /^$/ { f = 2 } /^extra / { f = 1 }'; }
source_of < show1.txt > variant1.c
check_grep "the source is cut out of cache show" "^void saxpy(int n" variant1.c
n1=$(fake_count)
"$ACCC" cache rm "$key" >/dev/null
check "the entry is gone" bash -c "! '$ACCC' cache show '$key' >/dev/null 2>&1"
rm -f k.o
run_cap c2 env ACCC_ITERATIONS=1 "$ACCC" gcc -O2 -c k.c -o k.o
check_eq "the repeated search succeeds" "$(cat c2.rc)" 0
check_eq "the repeated search sends no request" "$(fake_count)" "$n1"
check_eq "two searches counted" "$(cstat searches)" 2
check_py "search.json of the replay counts no call" 'd["calls"] == 0'
check_py "the replay still counts its tokens" 'd["tokens_in"] > 0'
check_grep "the replay splices the same variant" " t saxpy_accc_sse4" <(nm k.o)
"$ACCC" cache show "$key" | source_of > variant2.c
check_same "the replay stores the same variant" variant1.c variant2.c

# the whole two-iteration search again: the same tree, and no request twice
"$ACCC" cache rm "$key" >/dev/null
run_cap c3 "$ACCC" gcc -O2 -c k.c -o k.o
check_eq "the third search succeeds" "$(cat c3.rc)" 0
check_py "only new prompts were sent" "d['calls'] == $(fake_count) - $n1"
check_eq "no request was sent twice" \
	"$(python3 -c 'import json, sys, collections
c = collections.Counter()
for line in open(sys.argv[1]):
    o = json.loads(line)
    if "seq" in o:
        c[(o["prompt_sha"], o["sample"], o["model"])] += 1
print(max(c.values()))' "$FAKE_LOG")" 1
tree() { python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
for n in d["nodes"]:
    print(n["id"], n["parent"], n["iteration"], n["status"], n.get("plan", ""), n.get("code_hash", ""))' "$1"; }
tree first.json > tree1.txt
tree "$R/search.json" > tree3.txt
check_same "the repeated search builds the same tree" tree1.txt tree3.txt

finish
