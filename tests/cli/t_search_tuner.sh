#!/usr/bin/env bash
# builtin::tuner, the default model: no network, a winner found and judged
# on this machine, spliced into the object; accept=autocomp is taken and
# recorded.
. "$(dirname "$0")/../lib/cli.sh"
. "$ACCC_SRC/tests/lib/search.sh"

search_kernel k.c
search_env
# a little more room than the LLM tests: the tuner's plans are mechanical,
# and it may take two steps (e.g. an assume, then a vectorize pragma)
export ACCC_ITERATIONS=3 ACCC_PLANS=3
# no model configured: builtin::tuner; any request would go nowhere
export ACCC_ACCEPT=autocomp OPENAI_BASE_URL=http://127.0.0.1:1/v1 OPENAI_API_KEY=unused

run_cap c1 "$ACCC" gcc -O2 -c k.c -o k.o
check_eq "the compile succeeds" "$(cat c1.rc)" 0
check_eq "nothing on stderr" "$(cat c1.err)" ""
check_py "the tuner planned and coded" \
	'd["config"]["plan_models"] == ["builtin::tuner"] and d["config"]["code_models"] == ["builtin::tuner"]'
check_py "accept=autocomp is recorded" 'd["config"]["accept"] == "autocomp"'
check_py "no LLM call, no token" 'd["calls"] == 0 and d["tokens_in"] == 0 and d["tokens_out"] == 0'
check_py "candidates were judged" 'd["judged"] > 0'
check_py "a candidate is ok and faster" \
	'any(n["status"] == "ok" and n["timing"]["faster"] and n["timing"]["speedup"] > 1 for n in d["nodes"])'
check_py "the beam leads with a correct, faster node" \
	'd["nodes"][d["beam"][0]]["status"] == "ok" and d["nodes"][d["beam"][0]]["timing"]["faster"]'
check_py "tuner nodes name the tuner" \
	'all(n["plan_model"] == n["code_model"] == "builtin::tuner" for n in d["nodes"][1:])'
check_py "one implementation per tuner plan" \
	'len({(n["parent"], n["iteration"], n["plan"]) for n in d["nodes"][1:]}) == len(d["nodes"]) - 1'
check_py "search sizes set by the user are kept for the tuner" \
	'[d["config"][k] for k in ("beam", "plans", "samples")] == [2, 3, 2]'
check_py "autocomp's slack window: every iteration runs, and it says so" \
	'd["ended"] == "all 3 iterations run"'
R=$(run_dir)
check "the tuner's code is kept" test -s "$R/n001.c"
check "the tuner's plan is kept" test -s "$R/n001.plan.txt"
check "a tuner plan has no prompt (nothing was asked)" test ! -e "$R/n001.plan-prompt.txt"
check_eq "one winner counted" "$(cstat winners)" 1
check_eq "no LLM call counted" "$(cstat llm_calls)" 0
key=$(basename "$R"); key=${key#saxpy-}
"$ACCC" cache show "$key" > show.txt
check_grep "the winner is stored" '"winner":true' show.txt
check_grep "its model is the tuner" "^  builtin::tuner$" show.txt
check_grep "its speedup is above 1" "^speedup *[1-9][0-9]*\.[0-9]*x" show.txt
# the stored variant is what the object was compiled from
awk 'f == 2 { print } f == 1 && /^$/ { f = 2 } /^extra / { f = 1 }' show.txt > variant.c
sed -n '/^void saxpy/,$p' k.c > original.c
check "the stored variant is not the original" bash -c "! cmp -s variant.c original.c"
cat > main.c <<'C'
#include <stdio.h>
void saxpy(int n, float a, const float *x, float *y);
int main(void)
{
	static float x[1003], y[1003];
	int i, bad = 0;
	for (i = 0; i < 1003; i++) { x[i] = (float)i; y[i] = 1.0f; }
	saxpy(1000, 2.0f, x, y);
	for (i = 0; i < 1003; i++)
		bad += y[i] != (i < 1000 ? 2.0f * (float)i + 1.0f : 1.0f);
	printf("%s\n", bad ? "wrong" : "right");
	return bad != 0;
}
C
gcc -O2 main.c k.o -o prog && ./prog > prog.out
check_eq "a program linked with the tuned object computes saxpy" "$(cat prog.out)" right

# a tuner search that finds nothing is stored as "no winner": a kernel the
# tuner cannot improve is not searched again at every build
cat > one.c <<'C'
#pragma autocomp target(host) inout(x[1]) args(n=1)
void one(int n, int *x)
{
	x[0] = n;
}
C
# (with the tuner's own budgets: no search size set, 4 iterations allowed)
run_cap c2 env -u ACCC_BEAM -u ACCC_PLANS -u ACCC_SAMPLES ACCC_ITERATIONS=4 ACCC_ACCEPT=strict \
	"$ACCC" gcc -O2 -c one.c -o one.o
check_eq "a kernel with nothing to tune compiles" "$(cat c2.rc)" 0
one_sj() { python3 -c 'import glob, json, sys
d = json.load(open(glob.glob(sys.argv[1] + "/runs/one-*/search.json")[0]))
print(eval(sys.argv[2]))' "$ACCC_DIR" "$1"; }
check_eq "the tuner alone: its own budgets" \
	"$(one_sj '[d["config"][k] for k in ("beam", "plans", "samples", "patience")]')" "[1, 4, 1, 1]"
check_eq "nothing gained: it stops after the first iteration" "$(one_sj 'd["iterations_run"]')" 1
check_eq "...and says why" "$(one_sj 'd["ended"]')" "no gain beyond the noise floor in 1 iteration"

check_eq "it is stored all the same" "$("$ACCC" cache list | grep -c ' one ')" 1
check_grep "stored as no winner" '"winner":false' <("$ACCC" cache show "$("$ACCC" cache list | awk '/ one / { print $1 }')")
"$ACCC" gcc -O2 -c one.c -o one2.o
check_eq "not searched again" "$(cstat searches)" 2

# --- sizes a typo can give: the search refuses them, the build goes on
mkdir ref && awk '/^#pragma autocomp/ || /^\targs/ { print ""; next } { print }' k.c > ref/k.c
(cd ref && gcc -O2 -c k.c -o ../plain.o)
for kv in ACCC_PLANS=-1 ACCC_SAMPLES=-1 ACCC_BEAM=0 ACCC_ITERATIONS=-1 \
	ACCC_SAMPLES=100000000 ACCC_BEAM=1000,ACCC_PLANS=1000 ACCC_DROPOUT=2; do
	rm -f bad.o
	run_cap bad env ACCC_DIR=$T_DIR/bad ${kv//,/ } "$ACCC" gcc -O2 -c k.c -o bad.o
	check_eq "$kv: the compile succeeds" "$(cat bad.rc)" 0
	check_same "$kv: with the original kernel" bad.o plain.o
	check "$kv: at most one line on stderr" test "$(wc -l < bad.err)" -le 1
done

finish
