#!/usr/bin/env bash
# Files with kernels: the pragma is consumed, diagnostics stay on the
# original lines, malformed pragmas are errors in the compiler's format,
# dependency files name the original, variants are spliced in.
. "$(dirname "$0")/../lib/cli.sh"
# The driver itself: no search here (the cache is empty, so every kernel is
# compiled as written).  t_e2e* and t_search* test the optimizing path.
export ACCC_MODE=cached

GCC=$(command -v gcc)
cat > w.c <<'C'
#include <stdio.h>
#define TWICE(v) ((v) * 2.0f)
#pragma autocomp target(host) inout(x[n]) args(n=100)
void scale(int n, float *x)
{
	int unused;
	for (int i = 0; i < n; i++)
		x[i] = TWICE(x[i]);
}
int after(void) { int also_unused; return 0; }
C
# the same file as the compiler would see it without accc: pragma line blank
strip_pragma() { awk '/#pragma autocomp/{print ""; next}{print}' "$1"; }
mkdir -p ref sub
strip_pragma w.c > ref/w.c

# --- the pragma is consumed: -Wall -Werror builds; same object, same warnings
run_cap acc "$ACCC" gcc -Wall -O2 -c w.c -o acc.o
(cd ref && "$GCC" -Wall -O2 -c w.c -o ../gcc.o 2> ../gcc.err)
check_same "object equals the compiler's on the pragma-less file" acc.o gcc.o
check_same "warnings identical, on the original lines" acc.err gcc.err
check_grep "warning after the kernel keeps its line" "w.c:10:23: warning: unused variable" acc.err
run_cap werr "$ACCC" gcc -Wall -Wno-unused-variable -Werror -c w.c -o werr.o
check_eq "-Wall -Werror with a pragma" "$(cat werr.rc)" 0
# with -g too, in a subdirectory, byte for byte
cp w.c sub/w.c
"$ACCC" gcc -g -O2 -c w.c -o g1.o; "$ACCC" gcc -g -O2 -c sub/w.c -o g3.o
cp w.c w.c.orig; cp ref/w.c w.c; cp ref/w.c sub/w.c
"$GCC" -g -O2 -c w.c -o g2.o; "$GCC" -g -O2 -c sub/w.c -o g4.o
cp w.c.orig w.c; cp w.c sub/w.c
check_same "-g object identical" g1.o g2.o
check_same "-g object identical from a subdirectory" g3.o g4.o
# ...also when a quoted header contributes debug info, its warnings and
# dependency lines name it as the compiler does ("qh.h", not "./qh.h")
mkdir -p qg/sub qg/inc qg/ref
printf 'static inline float twice(float v) { int unused; return v * 2; }\n' > qg/qh.h
printf 'static inline float thrice(float v) { return v * 3; }\n' > qg/inc/qi.h
printf '#include "qh.h"\n#include "qi.h"\n#pragma autocomp inout(a[n]) args(n=64)\nvoid k(int n, float *a) { for (int i = 0; i < n; i++) a[i] = twice(thrice(a[i])); }\n' > qg/q.c
cp qg/qh.h qg/sub/; cp qg/q.c qg/sub/
strip_pragma qg/q.c > qg/ref/q.c
qcc() { # name, then the compile's arguments: writes qg/name.{o,d,err}
	local n=$1; shift
	(cd qg && "$@" -g -O2 -Wall -Iinc -MD -MF $n.d -c -o $n.o 2> $n.err)
	sed -i "s/^$n.o:/o.o:/" qg/$n.d
}
for src in q.c sub/q.c $PWD/qg/q.c; do
	qcc acc "$ACCC" "$GCC" $src
	cp qg/ref/q.c qg/q.c; cp qg/ref/q.c qg/sub/q.c
	qcc ref "$GCC" $src
	printf '#include "qh.h"\n#include "qi.h"\n#pragma autocomp inout(a[n]) args(n=64)\nvoid k(int n, float *a) { for (int i = 0; i < n; i++) a[i] = twice(thrice(a[i])); }\n' > qg/q.c
	cp qg/q.c qg/sub/q.c
	src=${src#$PWD/}
	check_same "-g, quoted headers, $src: object identical" qg/acc.o qg/ref.o
	check_eq "-g, quoted headers, $src: line table" \
		"$(readelf --debug-dump=line qg/acc.o | sed -n '/Directory Table/,/Line Number Statements/p')" \
		"$(readelf --debug-dump=line qg/ref.o | sed -n '/Directory Table/,/Line Number Statements/p')"
	# the same rules; the compiler wraps lines by the length of what it wrote
	check_eq "-g, quoted headers, $src: dependency file" \
		"$(sed -z 's/\\\n//g' qg/acc.d | tr -s ' ')" "$(sed -z 's/\\\n//g' qg/ref.d | tr -s ' ')"
	check_same "-g, quoted headers, $src: warnings" qg/acc.err qg/ref.err
done
check_eq "no copy left next to the source" "$(ls -A qg | grep -c accc)" 0
# quoted includes still resolve next to the original
printf '#define HDR_VALUE 7\n' > sub/local.h
printf '#include "local.h"\n#pragma autocomp inout(x[1])\nvoid k(int *x) { x[0] = HDR_VALUE; }\n' > sub/inc.c
printf '#define HDR_VALUE 99\n' > local.h   # a decoy in the working directory
run_cap inc "$ACCC" gcc -c sub/inc.c -o inc.o
check_eq "quoted include next to the source" "$(cat inc.rc)" 0
check_grep "HDR_VALUE from the source's directory" "\$0x7" <(objdump -d inc.o)

# --- dependency files name the original source, never the copy
deps() { tr -s ' \\\n' '\n' < "$1" | sed 's|^ref/||'; }
"$ACCC" gcc -c w.c -MD -o dep1.o
check_grep "-MD target" "^dep1.o: w.c" dep1.d
check_nogrep "-MD names no temporary file" "accc-" dep1.d
"$ACCC" gcc -c sub/w.c -MMD -MF custom.d -MT mytarget
check_grep "-MF/-MT" "^mytarget: sub/w.c" custom.d
check "no -o gives w.o in the working directory" test -f w.o
"$ACCC" gcc -c w.c -Wp,-MD,wp.d -o wp.o
(cd ref && "$GCC" -c w.c -Wp,-MD,../wpref.d -o ../wpref.o)
check_eq "-Wp,-MD: the same rule as gcc writes" "$(deps wp.d)" "$(deps wpref.d)"
"$GCC" -c ref/w.c -MD -o refdep.o
check_eq "-MD lists the same headers as gcc" "$(deps dep1.d | grep '^/')" "$(deps refdep.d | grep '^/')"

# --- malformed pragmas: file:line:col: error: autocomp: ..., exit 1, no object
diag() { # DESCRIPTION PRAGMA-LINE FUNCTION WANT
	printf '#include <stddef.h>\n%s\n%s\n' "$2" "$3" > d.c
	rm -f d.o
	run_cap d "$ACCC" gcc -c d.c -o d.o
	check_eq "$1: status" "$(cat d.rc)" 1
	check_eq "$1: message" "$(head -n1 d.err)" "$4"
	check "$1: no object" test ! -e d.o
}
F='void f(int n, float *a) { a[0] = n; }'
diag "unknown clause" '#pragma autocomp inout(a[n]) args(n=4) frob(1)' "$F" \
	"d.c:2:40: error: autocomp: unknown clause 'frob'"
diag "not a parameter" '#pragma autocomp inout(a[q]) args(n=4)' "$F" \
	"d.c:2:26: error: autocomp: 'q' is not a parameter of the kernel"
diag "extent on a non-pointer" '#pragma autocomp inout(n[4]) args(n=4)' "$F" \
	"d.c:2:24: error: autocomp: 'n' is not a pointer parameter; in/out/inout need a pointer"
diag "no function after it" '#pragma autocomp inout(a[n]) args(n=4)' 'int x;' \
	"d.c:2:1: error: autocomp: pragma is not followed by a function definition"
diag "a prototype is not a definition" '#pragma autocomp inout(a[n]) args(n=4)' 'void f(int n, float *a);' \
	"d.c:2:1: error: autocomp: pragma is not followed by a function definition"
diag "duplicate clause" '#pragma autocomp inout(a[n]) args(n=4) tol(1e-3) tol(1e-4)' "$F" \
	"d.c:2:50: error: autocomp: clause 'tol' given twice"
printf '#include <stddef.h>\n#pragma autocomp target(tpu) inout(a[n]) args(n=4)\n%s\n' "$F" > d.c
run_cap d "$ACCC" gcc -c d.c -o d.o
check_eq "unknown target: status" "$(cat d.rc)" 1
check_grep "unknown target: the known ones listed" \
	"^d.c:2:25: error: autocomp: unknown target 'tpu' (known: host[,)]" d.err
printf '#pragma autocomp inout(a[n]) args(n=4)\n#pragma autocomp inout(a[n]) args(n=8)\nvoid f(int n, float *a) { a[0] = n; }\n' > two.c
run_cap two "$ACCC" gcc -c two.c
check_grep "two pragmas for one function" "autocomp" two.err
check_eq "two pragmas: status" "$(cat two.rc)" 1
# a pragma at the end of a continuation line keeps its position
printf '#pragma autocomp inout(a[n]) \\\n    args(n=4) bogus\nvoid f(int n, float *a) { a[0] = n; }\n' > cont.c
run_cap cont "$ACCC" gcc -c cont.c
check_eq "error on a continuation line" "$(head -n1 cont.err)" "cont.c:2:15: error: autocomp: unknown clause 'bogus'"

# --- what counts as a pragma
printf '#if 0\n#pragma autocomp garbage(\n#endif\nint g(void) { return 1; }\n' > if0.c
run_cap if0 "$ACCC" gcc -Wall -Werror -c if0.c
check_eq "#if 0 pragma is not seen" "$(cat if0.rc)" 0
printf '/* autocomp is mentioned in a comment */\nint g(void) { return 1; }\n' > cmt.c
"$ACCC" gcc -c cmt.c -o cmt.o; "$GCC" -c cmt.c -o cmt2.o
check_same "the word in a comment changes nothing" cmt.o cmt2.o
cat > mac.c <<'C'
#define KERNEL(n) _Pragma("autocomp inout(x[n]) args(n=64)")
KERNEL(n)
void viamacro(int n, float *x) { for (int i = 0; i < n; i++) x[i] += 1; }
_Pragma("autocomp inout(y[m]) args(m=8)") void direct(int m, double *y) { y[0] = m; }
C
run_cap mac "$ACCC" kernels mac.c
check_grep "_Pragma through a macro" "^viamacro	mac.c:3	target=host" mac.out
check_grep "_Pragma operator" "^direct	mac.c:4	target=host" mac.out
run_cap macc "$ACCC" gcc -Wall -Werror -c mac.c -o mac.o
check_eq "_Pragma forms are consumed too" "$(cat macc.rc)" 0
# the pragma's text as an argument of a macro, defined here or in a header
cat > autocomp.h <<'C'
#define AUTOCOMP(text) _Pragma(text)
#define AUTOCOMP_WORDS(w) _Pragma(#w)
C
cat > arg.c <<'C'
#define AUTOCOMP_HERE(text) _Pragma(text)
#include "autocomp.h"
AUTOCOMP_HERE("autocomp inout(a[n]) args(n=64)")
void here(int n, float *a) { for (int i = 0; i < n; i++) a[i] += 1; }
AUTOCOMP("autocomp inout(b[n]) args(n=8)")
void header(int n, float *b) { b[0] = n; }
AUTOCOMP_WORDS(autocomp inout(c[n]) args(n=8))
void words(int n, float *c) { c[0] = n; }
#if 0
AUTOCOMP("autocomp garbage(")
#endif
C
run_cap arg "$ACCC" kernels arg.c
check_grep "_Pragma(text) defined in the file" "^here	arg.c:4	target=host" arg.out
check_grep "_Pragma(text) defined in a header" "^header	arg.c:6	target=host" arg.out
check_grep "_Pragma(#text) defined in a header" "^words	arg.c:8	target=host" arg.out
check_eq "...and nothing else (#if 0 hides one)" "$(wc -l < arg.out)" 3
for c in "$GCC" clang-19; do
	command -v $c >/dev/null || continue
	run_cap argc "$ACCC" $c -Wall -Wunknown-pragmas -Werror -c arg.c -o arg.o
	check_eq "$c -Werror: the macro's pragmas are erased" "$(cat argc.rc) $(cat argc.err)" "0 "
done
printf '#include "autocomp.h"\n\nAUTOCOMP("autocomp inout(a[n]) bogus")\nvoid f(int n, float *a) { a[0] = n; }\n' > argbad.c
run_cap argbad "$ACCC" gcc -c argbad.c
check_eq "an error in a macro argument points into it" "$(head -n1 argbad.err)" "argbad.c:3:32: error: autocomp: unknown clause 'bogus'"

# --- libclang cannot parse what gcc accepts: compiled unchanged, logged
cat > nested.c <<'C'
#pragma autocomp inout(x[n]) args(n=4)
void outer(int n, float *x)
{
	float inner(float v) { return v * 3; }   /* a GNU C nested function */
	for (int i = 0; i < n; i++) x[i] = inner(x[i]);
}
C
run_cap nest env ACCC_LOGFILE=$PWD/nest.log "$ACCC" gcc -c nested.c -o nested.o
check_eq "gcc-only code still compiles" "$(cat nest.rc)" 0
check_grep "the log says why" "libclang cannot parse 'nested.c'" nest.log
run_cap strict env ACCC_STRICT=1 "$ACCC" gcc -c nested.c -o nested2.o
check_eq "strict mode turns the fallback into an error" "$(cat strict.rc)" 1

# --- splicing hand-written variants (ACCC_REPLACE)
cat > prog.c <<'C'
#include <stdio.h>
#pragma autocomp inout(x[n]) args(n=4)
int bump(int n, int *x)
{
	for (int i = 0; i < n; i++) x[i] += 1;
	return 1;
}
int main(void)
{
	int v[4] = {0, 0, 0, 0}, unused_late;
	int r = bump(4, v);
	printf("%d %d\n", r, v[3]);
	return 0;
}
C
cat > variant.c <<'C'
static int step(void) { return 10; }
int bump(int n, int *x)
{
	for (int i = 0; i < n; i++) x[i] += step();
	return 2;
}
C
"$ACCC" gcc -c prog.c -o orig.o && "$GCC" orig.o -o orig && ./orig > orig.out
check_eq "original kernel" "$(cat orig.out)" "1 1"
run_cap spl env ACCC_REPLACE=bump=$PWD/variant.c "$ACCC" gcc -Wall -c prog.c -o spliced.o
"$GCC" spliced.o -o spliced && ./spliced > spliced.out
check_eq "spliced variant runs" "$(cat spliced.out)" "2 10"
check_grep "diagnostics after a variant stay on the original line" "prog.c:10:34: warning: unused variable" spl.err
echo 'int bump(int n, int *x) { return syntax error here }' > broken.c
run_cap brk env ACCC_REPLACE=bump=$PWD/broken.c "$ACCC" gcc -c prog.c -o brk.o
check_eq "a broken variant falls back to the original" "$(cat brk.rc)" 0
"$GCC" brk.o -o brk && ./brk > brk.out
check_eq "fallback runs the original kernel" "$(cat brk.out)" "1 1"
check_eq "one warning line instead of the broken variant's errors" "$(cat brk.err)" \
	"accc: warning: the variant of 'bump' does not compile; using the original kernel"
run_cap brks env ACCC_STRICT=1 ACCC_REPLACE=bump=$PWD/broken.c "$ACCC" gcc -c prog.c -o brks.o
check_eq "strict: a broken variant fails" "$(cat brks.rc)" 1
check "strict: ...leaving no object" test ! -e brks.o
# the user's own mistake with a variant in play is reported as the compiler says it
run_cap mf env ACCC_REPLACE=bump=$PWD/variant.c "$ACCC" gcc -c prog.c -MD -MF nodir/prog.d -o mf.o
check_eq "a missing -MF directory fails the compile" "$(cat mf.rc)" 1
check_grep "...as the compiler says it" "nodir/prog.d" mf.err
check_nogrep "...not as a variant that does not compile" "does not compile" mf.err
"$ACCC" splice prog.c --kernel bump=variant.c > spliced_text.c
check_grep "splice shows the variant's #line" '#line 1 "accc-variant/bump.c"' spliced_text.c
check_grep "splice restores the original line" '#line 7 "prog.c"' spliced_text.c

# --- an interrupted compile leaves no temporary copy behind
mkdir -p tmp
# No race with the load of the machine: the test waits for slowcc.pid (the
# compiler runs, so the copy exists) for up to 300 s, and then for the
# compiler to be gone for up to 60 s, far less than its 600-s nap.
printf '#!/bin/sh\necho $$ > slowcc.pid.tmp\nmv slowcc.pid.tmp slowcc.pid\nexec sleep 600\n' > slowcc
chmod +x slowcc
TMPDIR=$PWD/tmp "$ACCC" ./slowcc -c w.c -o slow.o & pid=$!
for i in $(seq 3000); do [ -s slowcc.pid ] && break; sleep 0.1; done
check "the copy exists while compiling" test -n "$(ls tmp)"
kill -TERM $pid; wait $pid; rc=$?
check_eq "SIGTERM is reported as such" "$rc" 143
check_eq "no temporary left after SIGTERM" "$(ls tmp)" ""
# then the compiler must be gone (a zombie waiting for init is gone)
alive="ps -o stat= -p $(cat slowcc.pid) | grep -q '^[^Z]'"
for i in $(seq 600); do bash -c "$alive" || break; sleep 0.1; done
check "the compiler was stopped with accc" bash -c "! $alive"
if bash -c "$alive"; then kill "$(cat slowcc.pid)"; fi
finish
