#!/usr/bin/env bash
# Configuration layers (defaults < user file < ACCC_CONFIG < ACCC_*),
# origins, bad values, and secrets never printed.
. "$(dirname "$0")/../lib/cli.sh"

mkdir -p "$XDG_CONFIG_HOME/accc"
printf 'iterations = 7\nbeam = 3\n# a comment\nmax_size = 10M\n' > "$XDG_CONFIG_HOME/accc/accc.conf"
printf 'beam = 5\nsigning_key = hunter2-secret\nnot_a_key = 1\nmode = optimise\n' > extra.conf
run_cap c env ACCC_CONFIG=$PWD/extra.conf ACCC_PLANS=9 "$ACCC" config
check_eq "config exits 0" "$(cat c.rc)" 0
check_grep "user file" "^iterations *= 7 .*accc.conf:1)" c.out
check_grep "ACCC_CONFIG beats the user file" "^beam *= 5 .*extra.conf:1)" c.out
check_grep "environment beats both" "^plans *= 9 .*(ACCC_PLANS)" c.out
check_grep "defaults" "^samples *= 2 .*(default)" c.out
check_grep "a secret is not shown" "^signing_key *= (set, not shown)" c.out
check_nogrep "the secret value never appears" "hunter2" c.out
check_nogrep "...nor on stderr" "hunter2" c.err
check_grep "unknown key named with its line" "extra.conf:3: unknown key 'not_a_key'" c.err
check_grep "a value outside the choices" "bad value 'optimise' for 'mode'" c.err
check_grep "...keeps the default" "^mode *= optimize *(default)" c.out
# a broken config never breaks a build
printf 'int f(void) { return 1; }\n' > a.c
run_cap b env ACCC_CONFIG=$PWD/extra.conf "$ACCC" gcc -c a.c -o a.o
check_eq "a bad config does not fail a compile" "$(cat b.rc)" 0
check_eq "...and says nothing on a plain compile" "$(cat b.err)" ""
run_cap m env ACCC_CONFIG=/nonexistent/accc.conf "$ACCC" config
check_grep "a missing ACCC_CONFIG is reported" "cannot read config file '/nonexistent/accc.conf'" m.err
# builtin::tuner is what is in force with no model configured, and says so
run_cap dm "$ACCC" config
check_grep "the model in force is shown" "^models *= builtin::tuner *(default)" dm.out
# a bad mode or a missing ACCC_CONFIG on a compile with kernels: one warning
# line, the build goes on with the default (strict mode fails it)
printf '#pragma autocomp inout(a[n]) args(n=8)\nvoid k(int n, float *a) { for (int i = 0; i < n; i++) a[i] += 1; }\n' > k.c
printf 'void k(int n, float *a) { for (int i = 0; i < n; i++) a[i] += 2; }\n' > v.c
run_cap bm env ACCC_MODE=optimise ACCC_REPLACE=k=v.c "$ACCC" gcc -c k.c -o k.o
check_eq "a bad ACCC_MODE does not fail the compile" "$(cat bm.rc)" 0
check_grep "...but is reported" "accc: warning: config: ACCC_MODE: bad value 'optimise' for 'mode'" bm.err
check "...and the object is built" test -s k.o
run_cap bs env ACCC_MODE=optimise ACCC_STRICT=1 ACCC_REPLACE=k=v.c "$ACCC" gcc -c k.c -o k2.o
check_eq "strict mode: a bad ACCC_MODE fails" "$(cat bs.rc)" 1
check_grep "...saying why" "accc: error: config: ACCC_MODE: bad value 'optimise'" bs.err
run_cap bc env ACCC_CONFIG=/nonexistent/accc.conf ACCC_MODE=cached "$ACCC" gcc -c k.c -o k3.o
check_eq "a missing ACCC_CONFIG does not fail the compile" "$(cat bc.rc)" 0
check_grep "...but is reported" "accc: warning: config: cannot read config file '/nonexistent/accc.conf'" bc.err
finish
