#!/usr/bin/env bash
# The driver as a build uses it: every invocation form, every pass-through
# class, exit statuses and output exactly as the compiler gives them.
. "$(dirname "$0")/../lib/cli.sh"
# The driver itself: no search here (the cache is empty, so every kernel is
# compiled as written).  t_e2e* and t_search* test the optimizing path.
export ACCC_MODE=cached

GCC=$(command -v gcc)
cat > a.c <<'C'
#include <stdio.h>
int add(int a, int b) { return a + b; }
C
cat > main.c <<'C'
#include <stdio.h>
int add(int, int);
int main(void) { printf("%d\n", add(2, 3)); return 0; }
C
cat > bad.c <<'C'
int f(void) { return undeclared_name; }
C

# --- invocation forms: the object must be the compiler's, byte for byte
$GCC -O2 -c a.c -o ref.o
$ACCC gcc -O2 -c a.c -o prefix.o;            check_same "prefix form" ref.o prefix.o
$ACCC "$GCC" -O2 -c a.c -o launcher.o;       check_same "launcher form (full path)" ref.o launcher.o
ACCC_CC=gcc $ACCC -O2 -c a.c -o plain.o;     check_same "plain form with ACCC_CC" ref.o plain.o
echo "cc = $GCC" > conf; ACCC_CONFIG=$PWD/conf $ACCC -O2 -c a.c -o conf.o
check_same "plain form with config cc" ref.o conf.o
$ACCC "$ACCC" gcc -O2 -c a.c -o twice.o;     check_same "accc accc gcc" ref.o twice.o
mkdir -p masq && ln -sf "$ACCC" masq/gcc && ln -sf "$ACCC" masq/cc
PATH=$PWD/masq:$PATH timeout 20 gcc -O2 -c a.c -o masq.o
check_same "masquerade symlink" ref.o masq.o
# the configured compiler is itself a masquerade link: accc must not call accc
PATH=$PWD/masq:$PATH ACCC_CC=cc timeout 20 $ACCC -O2 -c a.c -o norec.o
check_eq "no recursion through a masquerade cc" "$?" 0
PATH=$PWD/masq:$PATH timeout 20 $ACCC gcc -O2 -c a.c -o norec2.o
check_same "prefix compiler that is a masquerade link" ref.o norec2.o
run_cap nocc env ACCC_CC=no-such-compiler-xyz "$ACCC" -c a.c
check_eq "missing compiler fails" "$(cat nocc.rc)" 1
check_grep "missing compiler message" "cannot find the real compiler 'no-such-compiler-xyz'" nocc.err

# --- pass-through classes: stdout, stderr and status exactly the compiler's
same_as_gcc() { # DESCRIPTION ARGS...
	local d=$1; shift
	run_cap want "$GCC" "$@"; run_cap got "$ACCC" gcc "$@"
	if cmp -s want.out got.out && cmp -s want.err got.err && cmp -s want.rc got.rc; then ok
	else bad "pass-through: $d"; diff want.err got.err >&2; diff want.rc got.rc >&2; fi
}
cp a.c k.c && printf '#pragma autocomp inout(x[1])\nvoid kk(float *x) { x[0] = 1; }\n' >> k.c
same_as_gcc "link step" a.c main.c -o prog
same_as_gcc "-E of a pragma file" -E k.c
same_as_gcc "-S" -S a.c -o a.s
same_as_gcc "-M" -M k.c
same_as_gcc "-MM" -MM k.c
same_as_gcc "several sources" -c a.c main.c
same_as_gcc "-fsyntax-only" -fsyntax-only -Wall k.c
same_as_gcc "assembler input" -c a.s -o a_s.o
same_as_gcc "-x assembler" -x assembler -c a.s -o a_x.o
same_as_gcc "--version" --version
same_as_gcc "failing compile" -c bad.c -o bad.o
same_as_gcc "missing file" -c nonexistent.c
same_as_gcc "no input" -c
same_as_gcc "warnings pass through" -Wall -Wextra -c main.c -o w.o
run_cap want sh -c "echo 'int s(void){return 1;}' | $GCC -x c -c - -o stdin1.o"
run_cap got sh -c "echo 'int s(void){return 1;}' | $ACCC gcc -x c -c - -o stdin2.o"
check_same "stdin input" stdin1.o stdin2.o
./prog > prog.out; check_eq "linked program runs" "$(cat prog.out)" 5

# response files: expanded for classification, passed on as given
printf -- '-O2 -c\n"a.c"\n' > rsp
$ACCC gcc @rsp -o rsp.o; check_same "@file response file" ref.o rsp.o
printf -- '-c k.c -o rspk.o -Wall -Werror\n' > rspk
run_cap rspk "$ACCC" gcc @rspk
check_eq "pragma file through a response file is a kernel compile" "$(cat rspk.rc)" 0

# --- the fast path: no "autocomp" bytes, no accc-core at all
mkdir -p lonely && cp "$ACCC" lonely/accc
lonely/accc gcc -O2 -c a.c -o fast.o
check_same "fast path works without accc-core" ref.o fast.o
# ...and a pragma file still compiles when the core is missing (fallback)
run_cap nocore lonely/accc gcc -c k.c -o nocore.o
check_eq "missing accc-core never fails the build" "$(cat nocore.rc)" 0
export ACCC_LOGFILE=$PWD/log
$ACCC gcc -c main.c -o m1.o
$ACCC gcc main.c a.c -o prog2
check_grep "log names the pass-through reason" "pass-through (not a compile to an object" log
unset ACCC_LOGFILE

# --- mode=off is pure pass-through: gcc sees the pragma
run_cap off env ACCC_MODE=off "$ACCC" gcc -Wall -Werror -c k.c -o off.o
check_eq "mode=off leaves the pragma to gcc" "$(cat off.rc)" 1
check_grep "mode=off: gcc's own unknown-pragma error" "unknown-pragmas" off.err

# --- own options
run_cap ver "$ACCC" --version
check_grep "--version" "^accc [0-9]" ver.out
run_cap help "$ACCC" --help
check_grep "--help names the commands" "kernels" help.out
check_grep "--help names the config keys" "max_size" help.out
run_cap unk "$ACCC" frobnicate
check_eq "unknown word is a compiler input, so the compiler fails" "$(cat unk.rc)" 1
finish
