# Shared by tests/cli/t*.sh: source it first.  Each check counts; `finish`
# prints "N passed, N failed" and exits 1 on any failure.  `skip REASON`
# exits 77 with the reason printed.
set -u
: "${ACCC_BIN:?ACCC_BIN must name the built accc (ctest sets it)}"
: "${ACCC_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
ACCC=$ACCC_BIN
T_PASS=0
T_FAIL=0
T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/accc-test-XXXXXX")
trap 'rm -rf "$T_DIR"' EXIT
cd "$T_DIR" || exit 1
# A private cache and config so tests never touch the user's.
export ACCC_DIR=$T_DIR/.cache-accc
export XDG_CONFIG_HOME=$T_DIR/.config
unset ACCC_CONFIG ACCC_MODE ACCC_CC ACCC_REPLACE ACCC_STRICT ACCC_LOGFILE ACCC_TRACE

ok() { T_PASS=$((T_PASS + 1)); }
bad() { T_FAIL=$((T_FAIL + 1)); echo "FAIL: $*" >&2; }

# check DESCRIPTION COMMAND...: the command must succeed
check() { local d=$1; shift; if "$@"; then ok; else bad "$d"; fi; }
# check_eq DESCRIPTION GOT WANT
check_eq() {
	if [ "$2" == "$3" ]; then ok; else
		bad "$1"; printf '  got:  %q\n  want: %q\n' "$2" "$3" >&2; fi
}
# check_file_eq DESCRIPTION FILE1 FILE2: byte-identical
check_same() { if cmp -s "$2" "$3"; then ok; else bad "$1 ($2 vs $3 differ)"; fi; }
check_grep() { if grep -q -- "$2" "$3"; then ok; else bad "$1: '$2' not in $3"; sed 's/^/  | /' "$3" >&2; fi; }
check_nogrep() { if ! grep -q -- "$2" "$3"; then ok; else bad "$1: '$2' unexpectedly in $3"; fi; }

# run_cap NAME COMMAND...: run, keep NAME.out NAME.err NAME.rc
run_cap() { local n=$1; shift; "$@" >"$n.out" 2>"$n.err"; echo $? >"$n.rc"; }

skip() { echo "SKIP: $*"; exit 77; }
finish() {
	echo "$T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ]
}
