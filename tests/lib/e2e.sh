# Shared by tests/cli/t_e2e*.sh, after tests/lib/cli.sh: a small Makefile
# project with annotated kernels, the cache's counters, and the fake LLM
# server (tests/fake/llm_server.py) on 127.0.0.1.
#
#   e2e_env                 small search budgets, builtin::tuner, no LLM keys
#   e2e_project DIR         writes the project (see below) into DIR
#   e2e_make DIR NAME ARGS  make -C DIR CC=$ACCC ARGS, keeping NAME.out,
#                           NAME.err, NAME.rc in the current folder
#   cstat NAME [DIR]        a counter of `accc cache stats --json` of DIR
#                           (default $ACCC_DIR), 0 when absent
#   cache_keys [DIR]        the keys stored under DIR's fan-out, sorted
#   log_keys LOG            the keys a log's "cache miss"/"cache hit" lines name
#   fake_llm_start SCRIPT [LOG]
#                           starts the fake LLM server (which exits after
#                           FAKE_MAX_REQUESTS requests when set); sets
#                           FAKE_PID, FAKE_URL (.../v1), FAKE_LOG (default
#                           $T_DIR/fake.log); stopped at exit
#   fake_llm_stop           stops it now
#   fake_requests           the number of requests in FAKE_LOG
#
# The project: k.h; vec.c (kernel vscale), red.c (isum), clip.c (clip8), each
# in its own unit; twin.c holds vscale's kernel again, word for word (same
# key), beside another function; vec.c is compiled twice (vec.o and
# vec_copy.o, same flags: same key).  prog = main + vec + red + clip checks
# every result; prog2 = main2 + twin checks vscale again.  So a build looks
# up E2E_LOOKUPS kernels of which E2E_KERNELS are distinct.
E2E_KERNELS=3
E2E_LOOKUPS=5

command -v python3 >/dev/null || skip "python3 not found (it reads the counters and runs the fake LLM server)"
command -v make >/dev/null || skip "make not found"
command -v cc >/dev/null || skip "cc not found"

# Keys of the developer's shell never reach a test, nor their search settings.
unset OPENAI_API_KEY OPENAI_BASE_URL ANTHROPIC_API_KEY ANTHROPIC_BASE_URL \
	OPENAI_COMPAT_API_KEY ANTHROPIC_COMPAT_API_KEY OLLAMA_HOST \
	ACCC_MODELS ACCC_PLAN_MODELS ACCC_CODE_MODELS ACCC_REMOTE ACCC_REMOTE_TOKEN \
	ACCC_REMOTE_USER ACCC_REMOTE_PASSWORD ACCC_VERIFY ACCC_DEBUG_KEY \
	ACCC_MAX_CALLS ACCC_MAX_TOKENS ACCC_MAX_WALL ACCC_PROMPTS_DIR ACCC_JOBS \
	ACCC_LLM_TIMEOUT ACCC_LLM_CONNECT_TIMEOUT ACCC_LLM_RETRIES ACCC_SIGNING_KEY \
	ACCC_REQUIRE_SIGNATURE MAKEFLAGS MFLAGS

# metric=instructions (valgrind): which kernels the tuner improves, and so
# what is stored and spliced, is a count, not a timing: no load on the
# machine can change a test's outcome (issue 15).
e2e_env() {
	command -v valgrind >/dev/null || skip "valgrind not found (metric=instructions keeps the e2e tests independent of timing)"
	export ACCC_ITERATIONS=1 ACCC_BEAM=1 ACCC_PLANS=2 ACCC_SAMPLES=1 ACCC_SEED=7
	export ACCC_METRIC=instructions ACCC_QUIET=true ACCC_ACCEPT=strict
}

e2e_project() {
	local d=$1
	mkdir -p "$d"
	cat > "$d/k.h" <<'C'
void vscale(int n, const float *x, float *y);
long isum(int n, const int *x);
void clip8(int n, const int *x, unsigned char *y);
C
	cat > "$d/vec.c" <<'C'
#include "k.h"

/* y = 2x + 1 */
#pragma autocomp target(host) in(x[n]) out(y[n]) args(n=2048) tol(1e-6)
void vscale(int n, const float *x, float *y)
{
	for (int i = 0; i < n; i++)
		y[i] = 2.0f * x[i] + 1.0f;
}
C
	cat > "$d/twin.c" <<'C'
#include "k.h"

int twin_marker(void) { return 42; }

/* the very kernel of vec.c, in another file: one key, one search */
#pragma autocomp target(host) in(x[n]) out(y[n]) args(n=2048) tol(1e-6)
void vscale(int n, const float *x, float *y)
{
	for (int i = 0; i < n; i++)
		y[i] = 2.0f * x[i] + 1.0f;
}
C
	cat > "$d/red.c" <<'C'
#include "k.h"

#pragma autocomp target(host) in(x[n]) args(n=2048)
long isum(int n, const int *x)
{
	long s = 0;
	for (int i = 0; i < n; i++)
		s += x[i];
	return s;
}
C
	cat > "$d/clip.c" <<'C'
#include "k.h"

#pragma autocomp target(host) in(x[n]) out(y[n]) args(n=2048) \
	init(x: uniform(-300, 300))
void clip8(int n, const int *x, unsigned char *y)
{
	for (int i = 0; i < n; i++)
		y[i] = x[i] < 0 ? 0 : x[i] > 255 ? 255 : (unsigned char)x[i];
}
C
	cat > "$d/main.c" <<'C'
#include "k.h"
#include <stdio.h>

int main(void)
{
	enum { N = 1001 };
	static float x[N], y[N];
	static int v[N];
	static unsigned char c[N];
	long want = 0;
	int bad = 0;

	for (int i = 0; i < N; i++) {
		x[i] = (float)(i % 17) - 8.0f;
		v[i] = i * 7 - 3000;
		want += v[i];
	}
	vscale(N, x, y);
	clip8(N, v, c);
	for (int i = 0; i < N; i++) {
		int w = v[i] < 0 ? 0 : v[i] > 255 ? 255 : v[i];
		bad += y[i] != 2.0f * x[i] + 1.0f;
		bad += c[i] != w;
	}
	bad += isum(N, v) != want;
	printf(bad ? "prog: %d checks FAILED\n" : "prog: all checks passed\n", bad);
	return bad != 0;
}
C
	cat > "$d/main2.c" <<'C'
#include "k.h"
#include <stdio.h>

int twin_marker(void);

int main(void)
{
	enum { N = 777 };
	static float x[N], y[N];
	int bad = twin_marker() != 42;

	for (int i = 0; i < N; i++)
		x[i] = (float)(i % 5) * 0.5f;
	vscale(N, x, y);
	for (int i = 0; i < N; i++)
		bad += y[i] != 2.0f * x[i] + 1.0f;
	printf(bad ? "prog2: %d checks FAILED\n" : "prog2: all checks passed\n", bad);
	return bad != 0;
}
C
	# the -j4 build starts the three compiles of vscale's kernel at once
	cat > "$d/Makefile" <<'M'
CC ?= cc
CFLAGS ?= -O2
all: vec.o vec_copy.o twin.o red.o clip.o prog prog2
prog: main.o vec.o red.o clip.o
	$(CC) $(CFLAGS) -o $@ $^
prog2: main2.o twin.o
	$(CC) $(CFLAGS) -o $@ $^
%.o: %.c k.h
	$(CC) $(CFLAGS) -c $< -o $@
# the same source again under another object name: the same kernel, one key
vec_copy.o: vec.c k.h
	$(CC) $(CFLAGS) -c vec.c -o $@
check: all
	./prog && ./prog2
clean:
	rm -f prog prog2 *.o
.PHONY: all check clean
M
}

e2e_make() {
	local d=$1 n=$2
	shift 2
	make -C "$d" --no-print-directory CC="$ACCC" "$@" >"$n.out" 2>"$n.err"
	echo $? >"$n.rc"
}

cstat() {
	ACCC_DIR=${2:-$ACCC_DIR} "$ACCC" cache stats --json | python3 -c \
		'import json, sys; print(json.load(sys.stdin).get(sys.argv[1], 0))' "$1"
}

cache_keys() {
	local dir=${1:-$ACCC_DIR}
	find "$dir" -mindepth 2 -maxdepth 2 -path "$dir/[0-9a-f][0-9a-f]/*" -type f \
		-printf '%f\n' 2>/dev/null | grep -x '[0-9a-f]\{32\}' | sort
}

log_keys() {
	sed -n "s/.*kernel '[^']*': cache \(miss\|hit\) \([0-9a-f]\{32\}\).*/\2/p" "$1" | sort -u
}

FAKE_PID=
FAKE_URL=
FAKE_LOG=

fake_llm_stop() {
	if [ -n "$FAKE_PID" ]; then
		kill "$FAKE_PID" 2>/dev/null
		wait "$FAKE_PID" 2>/dev/null
		FAKE_PID=
	fi
}

fake_llm_start() {
	local script=$1 pf=$T_DIR/fake.port.$RANDOM i
	fake_llm_stop
	FAKE_LOG=${2:-$T_DIR/fake.log}
	: >"$pf"
	python3 "$ACCC_SRC/tests/fake/llm_server.py" --script "$script" --log "$FAKE_LOG" \
		--lifetime 600 --max-requests "${FAKE_MAX_REQUESTS:-100000}" >"$pf" 2>"$T_DIR/fake.err" &
	FAKE_PID=$!
	# the server prints its port once it listens; 600 x 0.1 s only bounds a
	# hung start (a loaded machine makes the wait longer, never a failure)
	for i in $(seq 600); do
		[ -s "$pf" ] && break
		kill -0 "$FAKE_PID" 2>/dev/null || break
		sleep 0.1
	done
	FAKE_URL=http://127.0.0.1:$(head -n1 "$pf")/v1
	[ -s "$pf" ] || { cat "$T_DIR/fake.err" >&2; return 1; }
}

fake_requests() {
	grep -c '"seq"' "$FAKE_LOG" 2>/dev/null || echo 0
}

# Stop the fake server whatever way the test ends, keeping the EXIT trap
# already set.
e2e__prev_trap=$(trap -p EXIT)
if [ -n "$e2e__prev_trap" ]; then
	eval "set -- $e2e__prev_trap"
	trap "fake_llm_stop; $3" EXIT
	set --
else
	trap fake_llm_stop EXIT
fi
