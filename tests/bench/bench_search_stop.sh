#!/usr/bin/env bash
# Searches that stop when done (issue 12): the demo's cold build (sols/demo,
# make -j1, empty cache, builtin::tuner) with the old search settings
# (beam 4, plans 4, samples 2, every one of the 4 iterations run: patience 0)
# against the defaults (builtin::tuner's own budgets: beam 1, its 4 best
# plans, 1 sample, stop after an iteration without a gain beyond the noise
# floor).  Prints each build's wall and CPU time, the ratio new/old, and per
# kernel: the winner's speedup, the candidates judged, the iterations run
# and why the search ended.  Prints figures; asserts none.  Run it on a
# quiet machine: load stretches the judge's measurements.
#
#   ACCC_BIN=build/driver/accc tests/bench/bench_search_stop.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/bench.sh"
: "${ACCC_SRC:=$(cd "$here/../.." && pwd)}"
: "${ACCC_BUILD:=$ACCC_SRC/build}"
: "${ACCC_BIN:=$ACCC_BUILD/driver/accc}"
[ -x "$ACCC_BIN" ] || { echo "bench_search_stop: no accc at '$ACCC_BIN' (set ACCC_BIN)" >&2; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/accc-bench-XXXXXX")
trap 'rm -rf "$W"' EXIT
unset ACCC_CONFIG ACCC_MODE ACCC_CC ACCC_LOGFILE ACCC_TRACE ACCC_STRICT ACCC_REMOTE \
	ACCC_DEBUG_KEY ACCC_REPLACE ACCC_MODELS ACCC_PLAN_MODELS ACCC_CODE_MODELS \
	ACCC_ITERATIONS ACCC_BEAM ACCC_PLANS ACCC_SAMPLES ACCC_PATIENCE MAKEFLAGS MFLAGS
export XDG_CONFIG_HOME=$W/config
mkdir "$W/demo"
cp "$ACCC_SRC"/sols/demo/Makefile "$ACCC_SRC"/sols/demo/*.c "$ACCC_SRC"/sols/demo/*.h "$W/demo/"
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# cold NAME [VAR=VALUE...]: a clean build with an empty cache of its own;
# prints "wall cpu" on the first line, then one line per kernel
cold() {
	local name=$1
	shift
	make -C "$W/demo" clean >/dev/null 2>&1
	bench_timed bench_search_stop env ACCC_DIR="$W/$name" "$@" \
		make -j1 -C "$W/demo" demo CC="$ACCC_BIN"
	python3 - "$W/$name/runs" <<'PY'
import glob, json, os, sys
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*", "search.json"))):
    d = json.load(open(f))
    best = max([n["timing"]["speedup"] for n in d["nodes"]
                if n.get("timing") and n["timing"].get("faster")] or [1.0])
    print("%s %.3f %d %d %s" % (d["kernel"], best, d["judged"], d["iterations_run"],
                                d.get("ended", "?").replace(" ", "_")))
PY
}

cold old ACCC_BEAM=4 ACCC_PLANS=4 ACCC_SAMPLES=2 ACCC_PATIENCE=0 >"$W/old.txt"
cold new >"$W/new.txt"
python3 - "$W/old.txt" "$W/new.txt" <<'PY'
import sys
def load(p):
    lines = open(p).read().split("\n")
    wall, cpu = map(float, lines[0].split())
    ks = {}
    for l in lines[1:]:
        if l.strip():
            k, sp, judged, its, ended = l.split()
            ks[k] = (float(sp), int(judged), int(its), ended.replace("_", " "))
    return wall, cpu, ks
ow, oc, ok = load(sys.argv[1])
nw, nc, nk = load(sys.argv[2])
print("cold demo build, old settings (beam 4, plans 4, samples 2, no early stop): wall %.1fs cpu %.1fs" % (ow, oc))
print("cold demo build, defaults (tuner budgets, early stop):                    wall %.1fs cpu %.1fs" % (nw, nc))
print("ratio new/old: wall %.3f, cpu %.3f (goal: wall <= 30 s on a quiet machine)" % (nw / ow, nc / oc))
for k in sorted(set(ok) | set(nk)):
    o = ok.get(k, (0, 0, 0, "?")); n = nk.get(k, (0, 0, 0, "?"))
    print("  %-10s winner old %7.2fx (%3d judged, %d it) new %7.2fx (%3d judged, %d it: %s); new/old %.3f"
          % (k, o[0], o[1], o[2], n[0], n[1], n[2], n[3], n[0] / o[0] if o[0] else 0))
PY
