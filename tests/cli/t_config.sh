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
finish
