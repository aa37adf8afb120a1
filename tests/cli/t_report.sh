#!/usr/bin/env bash
# What a user sees of a search: this machine's peaks (accc hw --peaks), one
# progress line per iteration and one line when the search ends (stderr is
# not a terminal here), nothing on a hit; roofline figures in search.json
# and judge --json (or why there are none); accc report as HTML and JSON.
. "$(dirname "$0")/../lib/cli.sh"
. "$ACCC_SRC/tests/lib/search.sh"

cat > k.c <<'C'
#pragma autocomp target(host) in(x[n]) inout(y[n]) init(a: uniform(-2, 2)) \
	args(n=20000) flops(2 * n) bytes(12 * n)
void saxpy(int n, float a, const float *x, float *y)
{
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}
C
search_kernel plain.c # the same kernel without flops/bytes clauses
export ACCC_ITERATIONS=2 ACCC_BEAM=1 ACCC_PLANS=2 ACCC_SAMPLES=1 ACCC_SEED=7 ACCC_METRIC=time

# --- peaks, measured once and kept with the fingerprint
run_cap p1 "$ACCC" hw --peaks
check_eq "accc hw --peaks succeeds" "$(cat p1.rc)" 0
check_grep "it measured FLOP/s per precision" "compute .* GFLOP/s f32, .* GFLOP/s f64" p1.out
check_grep "and DRAM bandwidth" "DRAM .* GB/s" p1.out
check_grep "and says it measured now" "measured now" p1.out
check_py_file() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1"; }
check "peaks.json holds the figures and this machine's fingerprint" check_py_file \
	"$ACCC_DIR/peaks.json" 'd["gflops_f32"] > 0 and d["gbytes"]["DRAM"] > 0 and d["fingerprint"].startswith("target host")'
run_cap p2 "$ACCC" hw --peaks --json
check_grep "a second call reads them back" '"gflops_f64"' p2.out
check_eq "...without measuring again" "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["measure_s"])' <p2.out)" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["measure_s"])' "$ACCC_DIR/peaks.json")"

# --- a search through the compile path: progress lines, one finishing line
run_cap c1 "$ACCC" gcc -O2 -c k.c -o k.o
check_eq "the compile succeeds" "$(cat c1.rc)" 0
iters=$(sj 'd["iterations_run"]')
check_eq "one progress line per iteration" "$(grep -c '^accc: saxpy: iteration [0-9]/2 done: judged [0-9]*, best [0-9.]*x, tokens 0, ' c1.err)" "$iters"
check "one line when the search ends, with file:line and its figures" grep -Eq \
	"^accc: saxpy \(k.c:3\): ([0-9.]+x faster|no candidate beat the original, original kept), [0-9]+% of roofline, [0-9]+ candidates judged in [0-9.]+ s$" c1.err
check_eq "nothing else on stderr" "$(grep -vc '^accc: saxpy' c1.err)" 0
run_cap c2 "$ACCC" gcc -O2 -c k.c -o k.o
check_eq "a hit prints nothing" "$(cat c2.err)" ""
check_py "every timed candidate has its roofline figure" \
	'all("percent" in n["timing"]["roofline"] and n["timing"]["roofline"]["bound_unit"] == "GFLOP/s" for n in d["nodes"] if "timing" in n)'
check_py "...with the level its working set fits in" \
	'all(n["timing"]["roofline"]["level"] in ("L1", "L2", "L3", "DRAM") for n in d["nodes"] if "timing" in n)'
check_py "search.json names the kernel's file and line" 'd["file"].endswith("k.c") and d["line"] == 3'

# quiet hides both kinds of line
run_cap c3 env ACCC_QUIET=true ACCC_DIR="$T_DIR/other" "$ACCC" gcc -O2 -c k.c -o k3.o
check_eq "quiet: a search prints nothing" "$(cat c3.err)" ""

# --- judge --json: figures with clauses, the reason without
cat > v.c <<'C'
void saxpy(int n, float a, const float *restrict x, float *restrict y)
{
	for (int i = 0; i < n; i++)
		y[i] += a * x[i];
}
C
run_cap j1 "$ACCC" judge k.c --kernel saxpy v.c --json -- -O2
check_py_j() { python3 -c "import json,sys; d=json.load(open(sys.argv[1]))[0]; sys.exit(0 if ($2) else 1)" "$1"; }
check "judge --json has % of roofline" check_py_j j1.out \
	'd["timing"]["roofline"]["percent"] > 0 and d["timing"]["roofline"]["base_percent"] > 0 and d["timing"]["gflops"] > 0'
run_cap j2 "$ACCC" judge plain.c --kernel saxpy v.c --json -- -O2
check "without flops/bytes clauses it says so" check_py_j j2.out \
	'd["timing"]["roofline"] == {"missing": "no flops() or bytes() clause"}'
run_cap j3 "$ACCC" judge k.c --kernel saxpy v.c -- -O2
check_grep "the text form shows it too" "% of roofline (original [0-9]*%)" j3.out

# --- the report
run_cap r1 "$ACCC" report
check_eq "accc report succeeds" "$(cat r1.rc)" 0
check_grep "it says where it wrote" "^report of 1 search written to $ACCC_DIR/reports/all.html$" r1.out
run_cap r2 "$ACCC" report saxpy --open -o "$T_DIR/r.html"
check_eq "--open prints the path alone" "$(cat r2.out)" "$T_DIR/r.html"
nodes=$(sj 'len(d["nodes"])')
check_eq "the SVG tree holds one node per candidate and the original" \
	"$(grep -o '<g class="node"' r.html | wc -l)" "$nodes"
check_eq "nothing is fetched: no URL but the SVG namespace" \
	"$(grep -oE '(src|href)="[a-z]+:' r.html | wc -l)$(grep -oE 'https?://[^"]*' r.html | sort -u | grep -vc '^http://www.w3.org/2000/svg$')" "00"
check_grep "a roofline chart" '<svg class="roofline"' r.html
check_grep "the iterations chart" '<svg class="iters"' r.html
check_grep "the candidates against their noise floor" '<svg class="cands"' r.html
run_cap r3 "$ACCC" report --json
check "--json is the same data" python3 -c '
import json, sys
d = json.load(open("r3.out")); k = d["kernels"][0]
assert k["kernel"] == "saxpy" and len(k["nodes"]) == int(sys.argv[1])
assert len(k["best_per_iteration"]) == k["iterations_run"]
assert k["path"][0] == 0 if k["winner"] > 0 else k["path"] == []
assert d["peaks"]["gflops_f32"] > 0 and "fingerprint" not in d["peaks"]
assert ("diff" in k) == (k["winner"] > 0)' "$nodes"
run_cap r4 "$ACCC" report nosuch
check_eq "an unknown kernel fails" "$(cat r4.rc)" 1
check_grep "...naming it" "no search of 'nosuch' under" r4.err
finish
