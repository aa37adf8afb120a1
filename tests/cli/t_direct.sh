#!/usr/bin/env bash
# Direct mode: a compile accc has answered for good is remembered, and the
# next identical compile is done by the front alone (no libclang, no
# lookup), with the same object; any change that could matter is a miss.
. "$(dirname "$0")/../lib/cli.sh"
export ACCC_ITERATIONS=1 ACCC_BEAM=1 ACCC_PLANS=2 ACCC_SAMPLES=1 ACCC_QUIET=1

cat > k.h <<'C'
#define SCALE 3.0f
C
cat > k.c <<'C'
#include "k.h"
#pragma autocomp inout(x[n]) args(n=20000)
void scale(int n, float *x)
{
	for (int i = 0; i < n; i++)
		x[i] = x[i] * SCALE;
}
C
log=$PWD/log
export ACCC_LOGFILE=$log
"$ACCC" gcc -O2 -c k.c -o first.o
check_grep "a final answer is remembered" "direct mode: remembered k.c" "$log"
: > "$log"
"$ACCC" gcc -O2 -c k.c -o first.o
check_grep "the same compile is a direct hit" "direct hit .* for 'k.c'" "$log"
check_nogrep "...done by the front: no libclang, no lookup" "cache hit\|cache miss" "$log"
cp first.o direct.o
# the same object as the full path gives
rm -rf "$ACCC_DIR/direct"
"$ACCC" gcc -O2 -c k.c -o first.o
check_same "a direct hit gives the full path's object" direct.o first.o
run_cap st "$ACCC" cache stats
check_grep "direct hits are counted" "^direct-mode hits (no compile needed) *1$" st.out

miss() { # DESCRIPTION: the next compile must not be a direct hit
	: > "$log"
	"$ACCC" gcc "$@" >/dev/null 2>&1
	if grep -q "direct hit" "$log"; then bad "$D: still a direct hit"; else ok; fi
}
hit() {
	: > "$log"
	"$ACCC" gcc "$@" >/dev/null 2>&1
	if grep -q "direct hit" "$log"; then ok; else bad "$D: not a direct hit"; fi
}
D="a header the unit includes changed"; echo '#define SCALE 4.0f' > k.h; miss -O2 -c k.c -o first.o
D="...and back (one result is remembered per compile: the last)"; echo '#define SCALE 3.0f' > k.h
miss -O2 -c k.c -o first.o
D="...then a hit again"; hit -O2 -c k.c -o first.o
D="other flags"; miss -O1 -c k.c -o first.o
D="another output name shares the hit"; hit -O2 -c k.c -o other.o
check "...and the object is right" cmp -s other.o direct.o
D="the source's tokens changed"; echo 'int other(void) { return 1; }' >> k.c; miss -O2 -c k.c -o first.o
D="the same again"; hit -O2 -c k.c -o first.o
# a comment edit keeps the tokens: still a hit, with the unit made again from
# the edited file, so debug lines follow it (the same object as the full path)
"$ACCC" gcc -O2 -g -c k.c -o g1.o
{ printf '/* two lines\n   of comment */\n'; cat k.c; } > k2.c && mv k2.c k.c
: > "$log"
"$ACCC" gcc -O2 -g -c k.c -o g2.o
check_grep "a comment edit in the source is a direct hit" "direct hit .*same tokens" "$log"
rm -rf "$ACCC_DIR/direct"; ACCC_MODE=cached "$ACCC" gcc -O2 -g -c k.c -o g3.o
check_same "...with the edited file's lines (-g)" g2.o g3.o
check "...which moved" sh -c '! cmp -s g1.o g2.o'
echo '/* a note */' >> k.h
: > "$log"
"$ACCC" gcc -O2 -g -c k.c -o g4.o
check_grep "a comment edit in a header is a direct hit" "direct hit .*same tokens" "$log"
D="a header's tokens changed"; echo 'typedef int unused_t;' >> k.h; miss -O2 -g -c k.c -o g4.o
# without debug information, and with no token naming a position (__LINE__
# ...), moved lines keep the kept object: the front checks the edited text
# with -fsyntax-only (the warnings an edit may bring) and compiles nothing
{ cat k.c; printf 'int clampi(int v)\n{\n\tif (v < 0)\n\t\tv = 0;\n\treturn v;\n}\n'; } > m.c
"$ACCC" gcc -O2 -Wall -c m.c -o n1.o
{ printf '\n/* moved */\n'; cat m.c; } > m2.c && mv m2.c m.c
: > "$log"
ACCC_TRACE=1 "$ACCC" gcc -O2 -Wall -c m.c -o n2.o 2> trace3.err
check_grep "lines moved, no -g: a direct hit" "direct hit .*same tokens" "$log"
check_grep "...checked with -fsyntax-only" "trace: run.*-fsyntax-only" trace3.err
check_nogrep "...and not compiled" "trace: run.* -c " trace3.err
rm -rf "$ACCC_DIR/direct"; ACCC_MODE=cached "$ACCC" gcc -O2 -Wall -c m.c -o n3.o
check_same "...its object is the full path's" n2.o n3.o
"$ACCC" gcc -O2 -Wall -c m.c -o n1.o
sed -i 's|^\treturn v;|\treturn v; /* see /* below */|' m.c # a comment only: -Wcomment
: > "$log"
run_cap mis "$ACCC" gcc -O2 -Wall -c m.c -o n4.o
check_grep "an edit that brings a warning: a direct hit" "direct hit .*same tokens" "$log"
check_grep "...that shows the warning" "within comment" mis.err
check_same "...and the same object" n4.o n3.o
sed -i 's/x\[i\] \* SCALE;/x[i] * SCALE + 0 * __LINE__;/' m.c
"$ACCC" gcc -O2 -c m.c -o l1.o
{ printf '\n\n'; cat m.c; } > m2.c && mv m2.c m.c
: > "$log"
ACCC_TRACE=1 "$ACCC" gcc -O2 -c m.c -o l2.o 2> trace4.err
check_grep "with __LINE__ in the unit, moved lines are a hit..." "direct hit .*same tokens" "$log"
check_grep "...that compiles" "trace: run.* -c " trace4.err
for key in $("$ACCC" cache list | awk '/ scale / { print $1 }'); do
	"$ACCC" cache rm "$key" >/dev/null
done
D="its cache entry removed"; miss -O2 -c k.c -o first.o
D="mode=off never looks"; ACCC_MODE=off miss -O2 -c k.c -o first.o
D="ACCC_REPLACE bypasses it"; ACCC_REPLACE=scale=/dev/null miss -O2 -c k.c -o first.o
# the object itself is kept for silent compiles without a dependency file:
# such a hit runs no compiler at all
D="same again"; hit -O2 -c k.c -o first.o
: > "$log"
ACCC_TRACE=1 "$ACCC" gcc -O2 -c k.c -o kept.o 2> trace.err
check_grep "a kept object is a direct hit" "direct hit" "$log"
check_nogrep "...that runs no compiler" "trace: run\|trace: exec" trace.err
"$ACCC" gcc -O2 -c k.c -o kept.o # with its manifest remembered above
rm -rf "$ACCC_DIR/direct"; ACCC_MODE=cached "$ACCC" gcc -O2 -c k.c -o full.o
check_same "the kept object is the full path's object" kept.o full.o
: > "$log"
"$ACCC" gcc -O2 -c k.c -MD -o dep.o; "$ACCC" gcc -O2 -c k.c -MD -o dep.o
check "with -MD the dependency file is still written" test -s dep.d
ACCC_TRACE=1 "$ACCC" gcc -O2 -c k.c -MD -o dep.o 2> trace2.err
check_grep "...so the compiler runs on a direct hit" "trace: run" trace2.err
printf '#include "k.h"
#pragma autocomp inout(x[n]) args(n=20000)
void warn(int n, float *x) { int unused; for (int i = 0; i < n; i++) x[i] *= SCALE; }
' > w.c
"$ACCC" gcc -Wall -O2 -c w.c -o w.o 2>/dev/null
run_cap w2 "$ACCC" gcc -Wall -O2 -c w.c -o w.o
check_grep "a compile with warnings repeats them on a direct hit" "unused variable" w2.err

# mode=cached with a miss is not final: nothing remembered
rm -rf "$ACCC_DIR"
: > "$log"
ACCC_MODE=cached "$ACCC" gcc -O2 -c k.c -o c.o
check_nogrep "a miss in cached mode is not remembered" "direct mode: remembered" "$log"
finish
