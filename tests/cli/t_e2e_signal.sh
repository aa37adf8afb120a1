#!/usr/bin/env bash
# End to end, an interrupted build: Ctrl-C (SIGINT to make's whole process
# group) while a search waits for a slow LLM, and SIGTERM to make alone
# while the judge is building a candidate with a slow compiler.  Afterwards:
# no partial cache entry (every entry sound, no temporary file in the
# cache), no process left over (nothing in make's session, nothing running
# from the test's folders, nothing carrying the build's environment mark),
# no temporary directory left in the build's private TMPDIR; and the next
# build works.
. "$(dirname "$0")/../lib/cli.sh"
. "$ACCC_SRC/tests/lib/e2e.sh"
command -v setsid >/dev/null || skip "setsid not found (util-linux)"
e2e_env
export ACCC_LLM_RETRIES=1 ACCC_LLM_CONNECT_TIMEOUT=1000
REAL_CC=$(command -v cc)
NAP=31.$$ # the nap's length marks it as this test's
export MARK=accc-e2e-signal-$$-$RANDOM
mkdir -p tmp bin

# The user's compiler, a script that runs cc as its child (not exec), and
# that takes a long nap first when it runs inside one of accc's temporary
# folders (the judge building a candidate).
cat > bin/slowcc <<SH
#!/bin/sh
case "\$PWD" in $T_DIR/tmp/*) sleep $NAP ;; esac
"$REAL_CC" "\$@"
SH
chmod +x bin/slowcc

python3 - <<'P'
import json
json.dump({"replies": [{"match": "Choose exactly ONE optimization", "delay_s": 40,
                        "text": "unroll: by 4"}],
           "default": {"text": "no rule matched", "delay_s": 40}},
          open("llm-slow.json", "w"))
P

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds; 1 on timeout
wait_for() {
	local until=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -ge $until ] && return 1
		sleep 0.1
	done
}
# an established TCP connection to port $1 (a request in flight)
conn_to() {
	python3 - "$1" <<'P'
import sys
port = "%04X" % int(sys.argv[1])
for f in ("/proc/net/tcp", "/proc/net/tcp6"):
    try:
        for line in open(f).read().splitlines()[1:]:
            c = line.split()
            if c[3] == "01" and c[2].endswith(":" + port):
                sys.exit(0)
    except OSError:
        pass
sys.exit(1)
P
}
napping() { pgrep -fx "sleep $NAP" >/dev/null; }

# The processes left of a build: in session $1, or running from this test's
# folders, or carrying the build's mark in their environment.
leftovers() {
	SID=$1 TOP=$T_DIR SKIP="$$ ${FAKE_PID:-0}" python3 - <<'P'
import os
sid, top, mark = int(os.environ["SID"]), os.environ["TOP"], os.environ["MARK"]
skip = {os.getpid(), os.getppid()} | {int(x) for x in os.environ["SKIP"].split()}
for p in os.listdir("/proc"):
    if not p.isdigit() or int(p) in skip:
        continue
    try:
        cmd = open("/proc/%s/cmdline" % p, "rb").read().replace(b"\0", b" ").decode(errors="replace")
        env = open("/proc/%s/environ" % p, "rb").read().split(b"\0")
        s = os.getsid(int(p))
    except OSError:
        continue  # gone meanwhile, or not ours to read
    if s == sid or ("E2E_MARK=" + mark).encode() in env or top + "/" in cmd:
        print(p, s, cmd.strip())
P
}

# interrupted NAME SIGNAL TARGET WAIT...: run the build in its own session,
# wait for WAIT... to hold, send SIGNAL to TARGET ("group" = make's process
# group, as a terminal's Ctrl-C does; "make" = make alone), then check
# what is left.
interrupted() {
	local n=$1 sig=$2 target=$3 pid sid left
	shift 3
	# in its own session, with SIGINT back to its default (bash makes a
	# background command ignore it, and make keeps what it inherits)
	env E2E_MARK=$MARK TMPDIR=$T_DIR/tmp ACCC_LOGFILE=$T_DIR/$n.log \
		python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.setsid()
os.execvp(sys.argv[1], sys.argv[1:])' \
		make -C p --no-print-directory -j4 CC="$ACCC $T_DIR/bin/slowcc" all \
		>"$n.out" 2>"$n.err" &
	pid=$!
	# the bounds below only end a hung test: each wait ends as soon as its
	# condition holds, so a loaded machine makes it longer, never failing
	# (the LLM's 40-s delay and the 31-s nap are what is waited for, and
	# are seen within 0.1 s of starting)
	if ! wait_for 300 "$@"; then
		bad "$n: the build never got to the point of interruption"
		kill -KILL -- -"$pid" 2>/dev/null
		wait "$pid"
		return
	fi
	sid=$pid # the launcher became make, leader of its session and group
	if [ "$target" == group ]; then kill -"$sig" -- -"$pid"; else kill -"$sig" "$pid"; fi
	if ! wait_for 120 bash -c "! kill -0 $pid 2>/dev/null"; then
		bad "$n: make did not stop within 120 s of SIG$sig"
		kill -KILL -- -"$pid" 2>/dev/null
	fi
	wait "$pid"
	check_eq "$n: make reports the failed build" "$(($? != 0))" 1
	# what dies of the signal may take a moment
	wait_for 60 bash -c '[ -z "$(ps -eo sid= | awk -v s='"$sid"' '"'"'$1 == s'"'"')" ]'
	left=$(leftovers "$sid")
	check_eq "$n: no process left" "$left" ""
	check_eq "$n: no temporary file or folder left in TMPDIR" "$(ls -A tmp)" ""
	check_eq "$n: no temporary file in the cache" \
		"$(find "$ACCC_DIR" -name '*.tmp*' -o -name '.tmp*' | head -n3)" ""
	"$ACCC" cache verify > "$n.verify" 2>&1
	check_grep "$n: every cache entry is sound" " 0 dropped" "$n.verify"
	check_eq "$n: no entry for the interrupted search" "$(cache_keys | wc -l)" 0
	check_eq "$n: no object written by half" \
		"$(for o in p/*.o; do [ -e "$o" ] && { nm "$o" >/dev/null 2>&1 || echo "$o"; }; done)" ""
}

# the finder itself: it must see a process carrying the mark
env E2E_MARK=$MARK sleep 30 &
planted=$!
leftovers 0 > planted.out
check_grep "the leftover finder sees a planted process" "^$planted " planted.out
kill "$planted"
wait "$planted" 2>/dev/null

e2e_project p

# --- Ctrl-C while the LLM is thinking
fake_llm_start llm-slow.json || { bad "the fake LLM server did not start"; finish; exit 1; }
export ACCC_MODELS="openai@$FAKE_URL::fake"
port=${FAKE_URL##*:}
port=${port%%/*}
interrupted int INT group conn_to "$port"
check_grep "int: the build was in a search" "kernel '[a-z0-9]*': cache miss" int.log
fake_llm_stop
unset ACCC_MODELS

# --- SIGTERM to make while the judge's compiler is running
make -C p --no-print-directory clean >/dev/null
interrupted term TERM make napping
check_grep "term: the build was judging" "run: .*slowcc" term.log
check "term: the compiler's nap is over too" bash -c "! pgrep -fx 'sleep $NAP' >/dev/null"

# --- and then a build runs to its end, on the same cache and locks
make -C p --no-print-directory clean >/dev/null
s0=$(cstat searches)
e2e_make p after -j4 check
check_eq "the next build succeeds" "$(cat after.rc)" 0
check_grep "its checks pass" "prog: all checks passed" after.out
check_eq "it searches each kernel once" "$(cstat searches)" "$((s0 + E2E_KERNELS))"
finish
