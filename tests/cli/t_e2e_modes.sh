#!/usr/bin/env bash
# End to end with an LLM (the fake server) that goes down after its first
# answer: the build still succeeds with a working program, nothing is cached
# from the crippled searches, and once the server is back the kernels are
# searched again.  Then the modes: `cached` compiles the originals and counts
# the misses (and uses what the cache has); `off` is pure pass-through.
. "$(dirname "$0")/../lib/cli.sh"
. "$ACCC_SRC/tests/lib/e2e.sh"
e2e_env
K=$E2E_KERNELS L=$E2E_LOOKUPS
export ACCC_LLM_RETRIES=1 ACCC_LLM_CONNECT_TIMEOUT=1000 ACCC_LLM_TIMEOUT=20000

# Plans and correct hand-written variants (4-way unrolled) for every kernel.
python3 - <<'P'
import json
def unrolled(sig, body4, tail, pre="", post=""):
    return ("Here it is.\n\n```c\n%s\n{\n%s\tint i = 0;\n\tfor (; i + 4 <= n; i += 4) {\n%s\t}\n"
            "\tfor (; i < n; i++)\n\t\t%s\n%s}\n```\n" % (sig, pre, body4, tail, post))
def four(stmt):
    return "".join("\t\t" + stmt.replace("[i]", "[i + %d]" % k) + "\n" for k in range(4))
v = "y[i] = 2.0f * x[i] + 1.0f;"
s = "s += x[i];"
c = "y[i] = x[i] < 0 ? 0 : x[i] > 255 ? 255 : (unsigned char)x[i];"
code = [
    {"match": ["# The plan to implement", "`vscale`"],
     "text": unrolled("void vscale(int n, const float *x, float *y)", four(v), v)},
    {"match": ["# The plan to implement", "`isum`"],
     "text": unrolled("long isum(int n, const int *x)", four(s), s, "\tlong s = 0;\n", "\treturn s;\n")},
    {"match": ["# The plan to implement", "`clip8`"],
     "text": unrolled("void clip8(int n, const int *x, unsigned char *y)", four(c), c)},
]
plan = {"match": "Choose exactly ONE optimization",
        "text": "unroll: unroll the loop by 4 with a scalar tail loop for the rest."}
json.dump({"replies": [plan] + code, "default": {"text": "no rule matched"}},
          open("llm.json", "w"), indent=1)
# the same, with code answers that come too late for a server about to go
for r in code:
    r["delay_s"] = 3
json.dump({"replies": [plan] + code, "default": {"text": "no rule matched"}},
          open("llm-down.json", "w"), indent=1)
P

# --- the server answers once, then it is gone (--max-requests 1)
# Each process meets the dead server itself here: remembering it across
# processes (down_for) is t_down's subject, and would skip searches below.
export ACCC_DOWN_FOR=0
FAKE_MAX_REQUESTS=1 fake_llm_start llm-down.json || { bad "the fake LLM server did not start"; finish; exit 1; }
export ACCC_MODELS="openai@$FAKE_URL::fake"
e2e_project p
ACCC_LOGFILE=$T_DIR/down.log e2e_make p down -j4 check
check_eq "the build succeeds with the LLM gone" "$(cat down.rc)" 0
check_grep "prog's checks pass" "prog: all checks passed" down.out
check_grep "prog2's checks pass" "prog2: all checks passed" down.out
n=$(fake_requests)
check_eq "the server answered a request or a few, then it went" "$((n >= 1 && n < 4 * K))" 1
check "the server is gone" bash -c "! kill -0 $FAKE_PID 2>/dev/null"
FAKE_PID=
# A search against a dead server ends at once, so whether a second compile
# of the same kernel overlaps it (and waits, then searches no more) is the
# scheduler's choice: between one search per kernel and one per lookup.
# (With a live server the lock's de-duplication is exact: t_e2e_make.)
s_down=$(cstat searches)
check_eq "each kernel was searched, at most once per lookup" \
	"$(( s_down >= K && s_down <= L ))" 1
check_eq "the calls made are counted" "$(( $(cstat llm_calls) >= n ))" 1
check_eq "no crippled search is cached (it would block a real one)" "$(cstat entries)" 0
check_eq "nothing was judged" "$(cstat candidates_judged)" 0
check_eq "one warning line per searching compile" "$(grep -c '^accc: warning: ' down.err)" "$s_down"
check_grep "...saying that no candidate came back" "judged no candidate" down.err
check "the program links and runs on the original kernels" bash -c "p/prog >/dev/null"

# --- the server is back: the kernels are searched for real, once each
fake_llm_start llm.json "$T_DIR/fake2.log" || { bad "the fake LLM server did not restart"; finish; exit 1; }
export ACCC_MODELS="openai@$FAKE_URL::fake"
make -C p --no-print-directory clean >/dev/null
calls_down=$(cstat llm_calls)
ACCC_LOGFILE=$T_DIR/up.log e2e_make p up -j4 check
check_eq "the build with the LLM back succeeds" "$(cat up.rc)" 0
check_grep "prog's checks pass with the LLM's variants" "prog: all checks passed" up.out
check_grep "prog2's checks pass too" "prog2: all checks passed" up.out
check_eq "each kernel searched again, once" "$(cstat searches)" "$((s_down + K))"
check_eq "now each kernel has its entry" "$(cstat entries)" "$K"
# per search: 2 plans + 2 implementations (PLANS=2, SAMPLES=1, ITERATIONS=1),
# less the answers the response store kept from the first build
calls_up=$(( $(cstat llm_calls) - calls_down ))
check_eq "the server saw every call of these searches" "$(fake_requests)" "$calls_up"
check_eq "...at most 4 per kernel" "$((calls_up > 0 && calls_up <= 4 * K))" 1
check_eq "the tokens are counted" "$(( $(cstat tokens) > 0 ))" 1
check_eq "the LLM's candidates were judged" "$(( $(cstat candidates_judged) > 0 ))" 1
check_eq "no warning when all went well" "$(cat up.err)" ""
fake_llm_stop

# --- mode = cached: no search; a miss compiles the original and is counted
export ACCC_MODE=cached
e2e_project pc
ACCC_DIR=$T_DIR/cache-cached ACCC_LOGFILE=$T_DIR/cached.log e2e_make pc cached -j4 check
check_eq "mode=cached builds" "$(cat cached.rc)" 0
check_grep "mode=cached: the checks pass" "prog: all checks passed" cached.out
check_eq "mode=cached counts every lookup as a miss" "$(cstat local_miss "$T_DIR/cache-cached")" "$L"
check_eq "mode=cached searches nothing" "$(cstat searches "$T_DIR/cache-cached")" 0
check_eq "mode=cached stores nothing" "$(cstat entries "$T_DIR/cache-cached")" 0
for f in vec red clip; do
	(cd pc && cc -O2 -Wno-unknown-pragmas -c $f.c -o $f.plain.o)
	check_same "mode=cached on a miss: $f.o is the original's object" pc/$f.o pc/$f.plain.o
done
# ...and with the cache filled by the build above: hits, still no search
make -C p --no-print-directory clean >/dev/null
h=$(cstat local_hit) s=$(cstat searches)
e2e_make p cached2 -j4 check
check_eq "mode=cached with a filled cache builds" "$(cat cached2.rc)" 0
check_eq "mode=cached uses the cache: all hits" "$(cstat local_hit)" "$((h + L))"
check_eq "mode=cached never searches" "$(cstat searches)" "$s"

# --- mode = off: pure pass-through, byte for byte what cc does
export ACCC_MODE=off
e2e_project po
e2e_project pplain
ACCC_DIR=$T_DIR/cache-off ACCC_LOGFILE=$T_DIR/off.log \
	make -C po --no-print-directory CC="$ACCC" CFLAGS="-O2 -Wall" all >off.out 2>off.err
check_eq "mode=off builds" "$?" 0
make -C pplain --no-print-directory CFLAGS="-O2 -Wall" all >plain.out 2>plain.err
for f in vec.o twin.o red.o clip.o main.o prog; do
	check_same "mode=off: $f is cc's" po/$f pplain/$f
done
check_eq "mode=off: the compiler's own diagnostics, unchanged" \
	"$(sed 's/pplain/po/g' plain.err)" "$(cat off.err)"
check_grep "...which here name the unknown pragma" "autocomp" off.err
check "mode=off: no cache directory is made" test ! -e "$T_DIR/cache-off"
check_eq "mode=off: accc only execs the compiler" \
	"$(grep -v ' exec: ' off.log | grep -c .)" 0
unset ACCC_MODE
finish
