#!/usr/bin/env bash
# End to end, a team sharing one cache server: a real nginx with WebDAV (and
# basic auth) on 127.0.0.1.  A builds and pushes; B, a teammate with its own
# cache and checkout, gets remote hits without any search and re-verifies
# each entry on first use; a corrupted entry on the server is rejected,
# counted and searched again; a machine with another hardware fingerprint,
# or another -march, misses; `accc cache list` groups entries by hardware.
. "$(dirname "$0")/../lib/cli.sh"
. "$ACCC_SRC/tests/lib/e2e.sh"
. "$ACCC_SRC/tests/lib/nginx.sh"
nginx_require
e2e_env
nginx_start || { bad "nginx did not start"; finish; exit 1; }
export ACCC_REMOTE=$NGINX_URL/team
export ACCC_REMOTE_USER=alice ACCC_REMOTE_PASSWORD=$NGINX_PASSWORD
K=$E2E_KERNELS L=$E2E_LOOKUPS

# as_dev NAME COMMAND...: run as developer NAME (own cache and log)
as_dev() {
	local n=$1
	shift
	ACCC_DIR=$T_DIR/cache-$n ACCC_LOGFILE=$T_DIR/$n.log "$@"
}
stat_of() { cstat "$2" "$T_DIR/cache-$1"; }

# --- A builds: one search per kernel, every winner pushed
e2e_project pa
as_dev a e2e_make pa a -j4 check
check_eq "A's build and checks succeed" "$(cat a.rc)" 0
check_grep "A's prog checks pass" "prog: all checks passed" a.out
check_eq "A searches each kernel once" "$(stat_of a searches)" "$K"
check_eq "A pushes each entry" "$(stat_of a remote_store)" "$K"
check_eq "A meets no remote error" "$(stat_of a error_remote)" 0
keys_a=$(cache_keys "$T_DIR/cache-a")
check_eq "A's cache holds one entry per kernel" "$(echo "$keys_a" | wc -l)" "$K"
on_server=$(find "$NGINX_ROOT/team" -type f -printf '%f\n' | sort)
check_eq "the server holds exactly A's entries, under <ab>/<key>" "$on_server" "$keys_a"
for k in $keys_a; do
	check_same "the server's copy of $k is A's" "$NGINX_ROOT/team/${k:0:2}/$k" \
		"$T_DIR/cache-a/${k:0:2}/$k"
done
as_dev a "$ACCC" cache push > push.out 2>&1
check_grep "accc cache push finds everything there already" "pushed 0 entries, $K already there" push.out

# --- B, a teammate: own checkout, own cache, same server
e2e_project pb
as_dev b e2e_make pb b -j4 check
check_eq "B's build and checks succeed" "$(cat b.rc)" 0
check_grep "B's prog checks pass" "prog: all checks passed" b.out
check_grep "B's prog2 checks pass" "prog2: all checks passed" b.out
check_eq "B searches nothing" "$(stat_of b searches)" 0
check_eq "B runs no candidate" "$(stat_of b candidates_judged)" 0
rh=$(stat_of b remote_hit)
check_eq "every distinct kernel is a remote hit for B" "$((rh >= K))" 1
check_eq "every lookup of B is a hit" "$((rh + $(stat_of b local_hit)))" "$L"
check_eq "B verifies every remote hit before its first use" "$(stat_of b verify_ok)" "$rh"
check_eq "no entry fails B's verification" "$(stat_of b verify_fail)" 0
check_eq "B stores nothing of its own" "$(stat_of b store)" 0
as_dev b "$ACCC" cache stats > stats-b.out
check_grep "accc cache stats shows B's remote hits" "^remote hits  *$rh$" stats-b.out
check_grep "...and the entries verified here" "^remote entries verified here  *$rh$" stats-b.out
check_eq "B now holds A's keys" "$(cache_keys "$T_DIR/cache-b")" "$keys_a"
check_same "B's vec.o is A's (the same variant)" pa/vec.o pb/vec.o
check_same "B's red.o is A's" pa/red.o pb/red.o
check_same "B's clip.o is A's" pa/clip.o pb/clip.o
k1=$(echo "$keys_a" | head -n1)
as_dev b "$ACCC" cache show "$k1" > show-b.out 2>&1
check_grep "accc cache show: a remote entry verified here" "origin *remote, verified here" show-b.out
as_dev b "$ACCC" cache list > list-b.out 2>&1
check_grep "accc cache list marks B's entries as remote" "(remote)" list-b.out
check_eq "accc cache list: one hardware group" "$(grep -c '^hardware: ' list-b.out)" 1

# B again, from clean: local hits, no second verification
make -C pb --no-print-directory clean >/dev/null
hb=$(stat_of b local_hit)
as_dev b e2e_make pb b2 -j4 check
check_eq "B's rebuild succeeds" "$(cat b2.rc)" 0
check_eq "B's rebuild: all local hits" "$(stat_of b local_hit)" "$((hb + L))"
check_eq "B's rebuild: no more remote hits" "$(stat_of b remote_hit)" "$rh"
check_eq "B's rebuild: verified once only" "$(stat_of b verify_ok)" "$rh"
check_eq "B's rebuild: still no search" "$(stat_of b searches)" 0

# --- a corrupted entry on the server: rejected, counted, searched again
kred=$(grep -o "kernel 'isum': cache [a-z]* [0-9a-f]*" a.log | head -n1 | awk '{ print $NF }')
f=$NGINX_ROOT/team/${kred:0:2}/$kred
python3 - "$f" <<'P'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
for i in range(100, len(b), 7):  # inside the payload: only the checksum can tell
    b[i] ^= 0x5a
open(p, "wb").write(bytes(b))
P
check "the test corrupted isum's entry on the server" bash -c "! cmp -s '$f' '$T_DIR/cache-a/${kred:0:2}/$kred'"
e2e_project pc
as_dev c e2e_make pc c -j4 check
check_eq "C's build and checks succeed despite the bad entry" "$(cat c.rc)" 0
check_grep "C's prog checks pass" "prog: all checks passed" c.out
check_eq "C rejects and counts the corrupt entry" "$(stat_of c error_corrupt)" 1
check_eq "C searches that kernel (only) again" "$(stat_of c searches)" 1
check_grep "C's search was isum's" "kernel 'isum': cache miss $kred" c.log
check_eq "C uses the other entries from the server" "$(( $(stat_of c remote_hit) >= K - 1 ))" 1
check_eq "C verifies those" "$(stat_of c verify_ok)" "$(stat_of c remote_hit)"
check_eq "C holds a sound isum entry of its own" "$(cache_keys "$T_DIR/cache-c")" "$keys_a"
as_dev c "$ACCC" cache verify > verify-c.out 2>&1
check_grep "C's cache verifies clean" "$K good, 0 dropped" verify-c.out

# --- another machine: another hardware fingerprint, seen through a mount
# namespace in which the CPU's L2 size (sysfs) reads differently
sizef=
for s in /sys/devices/system/cpu/cpu0/cache/index*/size; do
	[ "$(cat "${s%/size}/level" 2>/dev/null)" == 2 ] && { sizef=$s; break; }
done
ns=
if [ -n "$sizef" ]; then
	echo "$(( $(tr -dc 0-9 < "$sizef") + 512 ))K" > fake-l2-size
	for u in "unshare -m" "unshare -rm"; do
		if $u bash -c 'mount --bind "$0" "$1"' fake-l2-size "$sizef" 2>/dev/null; then
			ns=$u
			break
		fi
	done
fi
# other_hw COMMAND...: run it on "another machine"
other_hw() { $ns bash -c 'mount --bind "$0" "$1" && shift && exec "$@"' fake-l2-size "$sizef" "$@"; }
if [ -n "$ns" ]; then
	"$ACCC" hw > hw-here.out
	other_hw "$ACCC" hw > hw-there.out
	check "the other machine has another fingerprint" bash -c '! cmp -s hw-here.out hw-there.out'
	check_grep "...which differs in the L2 size" "L2 $(cat fake-l2-size)" hw-there.out
	e2e_project pe
	other_hw env ACCC_DIR=$T_DIR/cache-e ACCC_LOGFILE=$T_DIR/e.log \
		make -C pe --no-print-directory CC="$ACCC" -j4 check >e.out 2>e.err
	check_eq "E's build and checks succeed" "$?" 0
	check_eq "E gets no remote hit" "$(stat_of e remote_hit)" 0
	check_eq "E searches every kernel" "$(stat_of e searches)" "$K"
	keys_e=$(cache_keys "$T_DIR/cache-e")
	check_eq "E's keys are not A's" "$(comm -12 <(echo "$keys_a") <(echo "$keys_e"))" ""
	check_eq "E pushes its own entries" "$(stat_of e remote_store)" "$K"
	# a newcomer pulls the whole server: entries of two machines
	as_dev f "$ACCC" cache pull > pull-f.out 2>&1
	# (isum's entry of A's machine is still the corrupted one: C could not
	# replace it, since a remote serving garbage is skipped for the rest of
	# that compile)
	pulled=$(sed -n 's/^pulled \([0-9]*\) entries.*/\1/p' pull-f.out)
	check_eq "accc cache pull gets both machines' entries" "$((pulled >= 2 * K - 1))" 1
	as_dev f "$ACCC" cache list > list-f.out 2>&1
	check_eq "accc cache list: two hardware groups" "$(grep -c '^hardware: ' list-f.out)" 2
	check_eq "...the other machine's group holds its $K entries" \
		"$(awk '/^hardware: / { g++ } /L2 '"$(cat fake-l2-size)"'/ { e = g }
			/^  [0-9a-f]+ / { n[g]++ } END { print n[e] }' list-f.out)" "$K"
	check_eq "...and every entry is listed once" "$(grep -cE '^  [0-9a-f]+ ' list-f.out)" "$pulled"
else
	echo "note: no mount namespace here (unshare -m / -rm); the fingerprint part is skipped, -march still checked"
fi

# --- another -march: other code generation, other keys, all misses
e2e_project pg
as_dev g env ACCC_MODE=cached make -C pg --no-print-directory CC="$ACCC" \
	CFLAGS="-O2 -march=x86-64-v2" -j4 check >g.out 2>g.err
check_eq "G's build (mode=cached) succeeds" "$?" 0
check_eq "G: no hit with another -march" "$(( $(stat_of g remote_hit) + $(stat_of g local_hit) ))" 0
check_eq "G: every lookup missed the server" "$(stat_of g remote_miss)" "$L"
check_eq "G's keys are none of A's" "$(comm -12 <(echo "$keys_a") <(log_keys g.log))" ""
check_eq "G's keys: one per distinct kernel" "$(log_keys g.log | wc -l)" "$K"

# the password never reaches a log, an output or a cache
check_eq "the remote password is in no log, output or cache" \
	"$(grep -rlF --exclude-dir=nginx -- "$NGINX_PASSWORD" "$T_DIR" | head -n3)" ""
finish
