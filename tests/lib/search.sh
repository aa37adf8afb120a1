# Shared by tests/cli/t_search*.sh, after tests/lib/cli.sh: a saxpy kernel,
# the fake LLM server (tests/fake/llm_server.py) on 127.0.0.1, and queries
# over its request log and over search.json.
#
#   search_kernel FILE        writes the saxpy kernel (assume + hint clauses)
#   fake_start SCRIPT [LOG]   starts the server with that script; sets
#                             FAKE_PORT, FAKE_URL (http://127.0.0.1:PORT),
#                             FAKE_LOG; stopped when the test exits
#   fake_stop                 stops it now (SIGTERM, then waits)
#   fake_count [FIELD VALUE]  request lines in FAKE_LOG (whose FIELD equals
#                             VALUE, compared as text)
#   run_dir                   the one runs/<kernel>-<key> folder of ACCC_DIR
#   sj EXPR                   prints python EXPR over search.json of run_dir,
#                             `d` being the parsed file
#   search_env                the small budgets every search test starts from
command -v python3 >/dev/null || skip "python3 not found (it runs the fake LLM server)"
command -v gcc >/dev/null || skip "gcc not found"

FAKE_PID=
FAKE_PORT=
FAKE_URL=
FAKE_LOG=
S_FAKE=${ACCC_SRC}/tests/fake

# Keys of the developer's shell never reach a test.
unset OPENAI_API_KEY OPENAI_BASE_URL ANTHROPIC_API_KEY ANTHROPIC_BASE_URL \
	OPENAI_COMPAT_API_KEY ANTHROPIC_COMPAT_API_KEY OLLAMA_HOST
unset ACCC_MODELS ACCC_PLAN_MODELS ACCC_CODE_MODELS ACCC_ITERATIONS ACCC_BEAM \
	ACCC_PLANS ACCC_SAMPLES ACCC_DROPOUT ACCC_SEED ACCC_ACCEPT ACCC_PATIENCE ACCC_MAX_CALLS \
	ACCC_MAX_TOKENS ACCC_MAX_WALL ACCC_METRIC ACCC_PROMPTS_DIR ACCC_QUIET \
	ACCC_LLM_TIMEOUT ACCC_LLM_CONNECT_TIMEOUT ACCC_LLM_CONCURRENCY ACCC_LLM_RETRIES

search_kernel() {
	cat > "$1" <<'C'
/* y = a*x + y; the test's variants are in tests/fake/search_saxpy.json */
#pragma autocomp target(host) in(x[n]) inout(y[n]) init(a: uniform(-2, 2)) \
	args(n=20000) assume(n % 4 == 0) hint("x and y never overlap")
void saxpy(int n, float a, const float *x, float *y)
{
	for (int i = 0; i < n; i++)
		y[i] = a * x[i] + y[i];
}
C
}

# metric=instructions (valgrind): whether a variant is "faster", which
# decides the beam and the stored winner, is then a count, not a timing, so
# no load on the machine can change a test's outcome (issue 15).  The SSE
# variant of the script runs about 4x fewer instructions than the scalar
# loop, the PLAN-SLOW one more.
search_env() {
	command -v valgrind >/dev/null || skip "valgrind not found (metric=instructions keeps the search tests independent of timing)"
	export ACCC_ITERATIONS=2 ACCC_BEAM=2 ACCC_PLANS=2 ACCC_SAMPLES=2 ACCC_SEED=7
	export ACCC_METRIC=instructions ACCC_QUIET=true
}

fake_stop() {
	if [ -n "$FAKE_PID" ]; then
		kill "$FAKE_PID" 2>/dev/null
		wait "$FAKE_PID" 2>/dev/null
		FAKE_PID=
	fi
}

# The server's environment is this shell's plus FAKE_ENV (NAME=value words);
# FAKE_ARGS are more options for it (--delay S).
FAKE_ENV=
FAKE_ARGS=
fake_start() {
	local script=$1 log=${2:-$T_DIR/fake.log} pf=$T_DIR/fake.port.$$.$RANDOM i
	fake_stop
	: > "$pf"
	env $FAKE_ENV python3 "$S_FAKE/llm_server.py" --script "$script" --log "$log" \
		--lifetime 600 --max-requests 100000 $FAKE_ARGS > "$pf" 2>"$T_DIR/fake.err" &
	FAKE_PID=$!
	# the server prints its port once it listens; 600 x 0.1 s only bounds a
	# hung start (a loaded machine makes the wait longer, never a failure)
	for i in $(seq 600); do
		[ -s "$pf" ] && break
		kill -0 "$FAKE_PID" 2>/dev/null || break
		sleep 0.1
	done
	FAKE_PORT=$(head -n1 "$pf")
	[ -n "$FAKE_PORT" ] || { cat "$T_DIR/fake.err" >&2; bad "the fake LLM server did not start"; finish; exit 1; }
	FAKE_URL=http://127.0.0.1:$FAKE_PORT
	FAKE_LOG=$log
}
# ACCC_TEST_KEEP=1 keeps the test's folder for a look afterwards.
trap 'fake_stop; if [ -n "${ACCC_TEST_KEEP:-}" ]; then echo "kept $T_DIR"; else rm -rf "$T_DIR"; fi' EXIT

fake_count() {
	python3 - "$FAKE_LOG" "${1:-}" "${2:-}" <<'P'
import json, sys
log, field, value = sys.argv[1], sys.argv[2], sys.argv[3]
n = 0
try:
    lines = open(log, encoding="utf-8").read().splitlines()
except OSError:
    lines = []
for line in lines:
    o = json.loads(line)
    if "seq" not in o:
        continue
    if field and str(o.get(field)) != value:
        continue
    n += 1
print(n)
P
}

run_dir() {
	local d
	for d in "$ACCC_DIR"/runs/*/; do
		[ -d "$d" ] && { echo "${d%/}"; return; }
	done
	echo "$ACCC_DIR/runs/none"
}

sj() {
	python3 - "$(run_dir)/search.json" "$1" <<'P'
import json, sys
try:
    d = json.load(open(sys.argv[1], encoding="utf-8"))
except (OSError, ValueError) as e:
    print("no search.json: %s" % e)
    sys.exit(0)
print(eval(sys.argv[2]))
P
}

# cstat NAME: a counter of `accc cache stats --json` (0 when absent)
cstat() {
	"$ACCC" cache stats --json | python3 -c \
		'import json, sys; print(json.load(sys.stdin).get(sys.argv[1], 0))' "$1"
}

# check_py DESCRIPTION EXPR: EXPR (over search.json, as in sj) must be True
check_py() {
	local got
	got=$(sj "$2")
	if [ "$got" == "True" ]; then ok; else bad "$1: $2 -> $got"; fi
}

# check_fgrep DESCRIPTION TEXT FILE: TEXT (fixed string) is in FILE
check_fgrep() {
	if grep -qF -- "$2" "$3"; then ok; else bad "$1: '$2' not in $3"; fi
}
