#!/usr/bin/env bash
# End to end, ahead of time: `accc optimize -p compile_commands.json` (a
# database with "arguments" entries and with "command" entries, and a build
# folder holding one) optimizes every kernel of the project with each
# file's own flags; the `make` that follows is all cache hits.
. "$(dirname "$0")/../lib/cli.sh"
. "$ACCC_SRC/tests/lib/e2e.sh"
e2e_env
K=$E2E_KERNELS L=$E2E_LOOKUPS
e2e_project p
P=$T_DIR/p

# The flags the Makefile will use: CFLAGS=-O2 for every object (vec.c twice,
# as vec.o and vec_copy.o).  The files with "arguments", except red.c and
# clip.c with "command" (quoting included); main.c has no kernel.
python3 - "$P" "$(command -v cc)" <<'P'
import json, sys
d, cc = sys.argv[1], sys.argv[2]
def args(src, out):
    return {"directory": d, "file": src, "arguments": [cc, "-O2", "-c", src, "-o", out]}
db = [args("vec.c", "vec.o"), args("vec.c", "vec_copy.o"), args("twin.c", "twin.o"),
      args("main.c", "main.o"), args("main2.c", "main2.o"),
      {"directory": d, "file": "red.c", "command": cc + " -O2 -c 'red.c' -o red.o"},
      {"directory": d, "file": d + "/clip.c", "command": cc + ' -O2 -c "%s/clip.c" -o clip.o' % d}]
json.dump(db, open(d + "/compile_commands.json", "w"), indent=1)
P

ACCC_LOGFILE=$T_DIR/opt.log run_cap opt "$ACCC" optimize -p "$P/compile_commands.json" -j 2
check_eq "accc optimize succeeds" "$(cat opt.rc)" 0
check_grep "it reports the files with kernels" "^5 files with kernels, 0 failed" opt.out
for fk in vec.c:vscale twin.c:vscale red.c:isum clip.c:clip8; do
	check_grep "it reports ${fk#*:} of ${fk%:*}" "${fk%:*}: ${fk#*:}: " opt.out
done
check_eq "no line for main.c (no kernel)" "$(grep -c 'main' opt.out)" 0
# the table at the end: one row per kernel looked up, with its outcome
check_grep "a summary table ends the run" \
	"^kernel  *file:line  *target  *speedup  *roofline  *candidates  *time  *outcome$" opt.out
for fk in vec.c:vscale twin.c:vscale red.c:isum clip.c:clip8; do
	check "the table has a row for ${fk#*:} of ${fk%:*}" grep -Eq \
		"^${fk#*:} +[^ ]*${fk%:*}:[0-9]+ +host +[0-9.]+x +(-|[0-9]+%) +[0-9]+ +[0-9.]+s  (searched|kept original|hit)$" opt.out
done
check_eq "each distinct kernel's row says searched or kept original" \
	"$(grep -Ec ' (searched|kept original)$' opt.out)" "$K"
check_eq "each distinct kernel is searched once" "$(cstat searches)" "$K"
check_eq "one entry per kernel" "$(cstat entries)" "$K"
check_eq "nothing else on stderr" "$(cat opt.err)" ""
check_eq "no object is written ahead of time" "$(ls "$P"/*.o 2>/dev/null)" ""

# the build that follows: every lookup a hit, no search
h=$(cstat local_hit)
ACCC_LOGFILE=$T_DIR/make.log e2e_make p b -j4 check
check_eq "the build succeeds" "$(cat b.rc)" 0
check_grep "its checks pass" "prog: all checks passed" b.out
check_eq "the build is all hits" "$(cstat local_hit)" "$((h + L))"
check_eq "the build searches nothing" "$(cstat searches)" "$K"
check_eq "the build and accc optimize used the same keys" "$(log_keys make.log)" "$(log_keys opt.log)"

# each file's own flags: a database that builds red.c with -O1 makes
# another key for isum (and only for it)
sed -i 's/ -O2 -c .red.c./ -O1 -c red.c/' "$P/compile_commands.json"
check_grep "the test changed red.c's flags" "-O1 -c red.c" "$P/compile_commands.json"
ACCC_LOGFILE=$T_DIR/opt2.log run_cap opt2 "$ACCC" optimize -p "$P" red.c
check_eq "accc optimize -p BUILD_DIR FILE succeeds" "$(cat opt2.rc)" 0
check_grep "only the file asked for" "^1 file with kernels, 0 failed" opt2.out
check_eq "red.c with -O1 is searched anew" "$(cstat searches)" "$((K + 1))"
check_eq "...under a key of its own" \
	"$(comm -13 <(log_keys opt.log) <(log_keys opt2.log) | wc -l)" 1
ACCC_LOGFILE=$T_DIR/opt3.log run_cap opt3 "$ACCC" optimize -p "$P"
check_eq "a second accc optimize finds everything cached" "$(cstat searches)" "$((K + 1))"
check_eq "...and its table says hit on every row" \
	"$(grep -Ec ' host .* hit$' opt3.out)" "$(grep -Ec ' host ' opt3.out)"
check "...with at least one row" grep -Eq ' hit$' opt3.out

# without a database: FILE... -- CFLAGS, as `accc kernels` takes them; the
# same flags as the build's, so the same keys (all cached by now)
(cd "$P" && ACCC_LOGFILE=$T_DIR/opt4.log run_cap "$T_DIR/opt4" "$ACCC" optimize vec.c clip.c -- -O2)
check_eq "accc optimize FILE... -- CFLAGS succeeds" "$(cat opt4.rc)" 0
check_grep "...with the files given" "^2 files with kernels, 0 failed" opt4.out
check_grep "...reporting their kernels" "^clip.c: clip8: " opt4.out
check_eq "...under the build's keys: nothing searched" "$(cstat searches)" "$((K + 1))"
check_eq "...two kernels looked up" "$(log_keys opt4.log | wc -l)" 2
check_eq "...under the keys the build used" "$(comm -23 <(log_keys opt4.log) <(log_keys make.log))" ""
run_cap opt5 "$ACCC" optimize -- -O2
check_eq "no file and no database: usage" "$(cat opt5.rc)" 2

# a broken database is an error, not a crash
echo '{"not": "an array"}' > bad.json
run_cap bad "$ACCC" optimize -p bad.json
check_eq "a database that is not an array fails" "$(cat bad.rc)" 1
check_grep "...saying so" "not a compilation database" bad.err
finish
