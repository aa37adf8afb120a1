#!/usr/bin/env bash
# Menu dropout: each plan prompt lists a random part of prompts/host/menu.txt
# (each item dropped with probability `dropout`, never all of them), the
# plan slots of a step see different menus, and a fixed seed makes the
# prompts reproducible from one fresh cache to another.
. "$(dirname "$0")/../lib/cli.sh"
. "$ACCC_SRC/tests/lib/search.sh"

search_kernel k.c
search_env
# one step of 8 plans, one sample each, answered without code: no judging
export ACCC_ITERATIONS=1 ACCC_BEAM=1 ACCC_PLANS=8 ACCC_SAMPLES=1
fake_start "$S_FAKE/search_no_code.json"
export ACCC_MODELS="openai@$FAKE_URL/v1::fake"
grep -v '^[[:space:]]*\(#\|$\)' "$ACCC_SRC/prompts/host/menu.txt" | sed 's/^[[:space:]]*//' > menu.txt
total=$(wc -l < menu.txt)
check "the menu has items" test "$total" -ge 10

# search DIR SEED DROPOUT: a search in a fresh cache DIR; its plan prompts
# are then DIR/p1..p8, and DIR/m1..m8 the menu items each one lists
search() {
	local i f
	rm -rf "$1"; mkdir -p "$1"
	ACCC_DIR=$PWD/$1/cache ACCC_SEED=$2 ACCC_DROPOUT=$3 "$ACCC" gcc -O2 -c k.c -o "$1/k.o" 2> "$1/err"
	echo $? > "$1/rc"
	for i in 1 2 3 4 5 6 7 8; do
		f=$(ls "$1"/cache/runs/*/n00$i.plan-prompt.txt 2>/dev/null)
		[ -n "$f" ] && cp "$f" "$1/p$i" || : > "$1/p$i"
		# the items of menu.txt that the prompt lists, as "- item" lines
		grep -Fx -f <(sed 's/^/- /' menu.txt) "$1/p$i" > "$1/m$i"
	done
}
count() { wc -l < "$1"; }

search a 11 0.7
check_eq "the search compiles" "$(cat a/rc)" 0
check_eq "eight plan prompts sent" "$(fake_count)" 16
kept=0 distinct=$(cat a/m? | sort | uniq | wc -l)
for i in 1 2 3 4 5 6 7 8; do
	n=$(count a/m$i)
	kept=$((kept + n))
	check "prompt $i lists at least one item" test "$n" -ge 1
	check "prompt $i lists fewer items than the menu ($n of $total)" test "$n" -lt "$total"
done
# 8 x total draws kept with probability 0.3: far from 0.15 and 0.45
check "about 30% of the items are kept ($kept of $((8 * total)))" \
	test $((100 * kept)) -gt $((15 * 8 * total)) -a $((100 * kept)) -lt $((45 * 8 * total))
check "the prompts together show more of the menu than one does" test "$distinct" -gt "$(count a/m1)"
differ=0
for i in 2 3 4 5 6 7 8; do cmp -s a/m1 a/m$i || differ=$((differ + 1)); done
check_eq "every plan slot sees another menu than the first" "$differ" 7
check "the menus keep the file's order" bash -c "grep -Fx -f a/m3 <(sed 's/^/- /' menu.txt) | cmp -s - a/m3"

# the same seed in a fresh cache: the very same prompts
search b 11 0.7
for i in 1 2 3 4 5 6 7 8; do check_same "same seed, same plan prompt $i" a/p$i b/p$i; done
check_eq "a fresh cache has a fresh response store: asked again" "$(fake_count)" 32
# another seed: other menus
search c 12 0.7
same=0
for i in 1 2 3 4 5 6 7 8; do cmp -s a/m$i c/m$i && same=$((same + 1)); done
check_eq "another seed, other menus" "$same" 0

# seed 0 draws a fresh seed: two runs differ
search f 0 0.7
search g 0 0.7
same=0
for i in 1 2 3 4 5 6 7 8; do cmp -s f/m$i g/m$i && same=$((same + 1)); done
check "seed 0: two runs show other menus ($same of 8 alike)" test "$same" -lt 8

# the ends of the range
search d 11 0
for i in 1 2 3 4 5 6 7 8; do check_eq "dropout 0 lists the whole menu (prompt $i)" "$(count d/m$i)" "$total"; done
check "dropout 0: the menu in the file's order" cmp -s d/m1 <(sed 's/^/- /' menu.txt)
search e 11 1
for i in 1 2 3 4 5 6 7 8; do check_eq "dropout 1 still lists one item (prompt $i)" "$(count e/m$i)" 1; done

# nothing was judged, so nothing is stored: the next compile searches again
check_eq "no entry stored when nothing was judged" "$(ACCC_DIR=$PWD/a/cache "$ACCC" cache list | grep -c saxpy)" 0
check_grep "search.json: every candidate lacked code" "no-code" "$(ls a/cache/runs/*/search.json)"

# --- the progress line: on a terminal only, cleared at the end, off when quiet
if command -v script >/dev/null; then
	tty_run() { # DIR [ENV...]: a search under a pseudo-terminal, its output in DIR.tty
		rm -rf "$1"
		env ACCC_DIR=$PWD/$1 ACCC_DROPOUT=0.7 "${@:2}" \
			script -qec "'$ACCC' gcc -O2 -c k.c -o k-tty.o" /dev/null > "$1.tty"
	}
	tty_run tty1 ACCC_QUIET=false
	check_grep "a terminal shows the progress line" \
		$'\r\e\\[Kaccc: saxpy  iteration 1/1  planning' tty1.tty
	check_grep "the line counts the tokens spent" "coding  judged 0/0  best 1.00x  tokens [1-9]" tty1.tty
	check "the line is cleared at the end" python3 -c 'import sys
t = open(sys.argv[1], "rb").read()
last = t.rfind(b"accc: saxpy  iteration")
sys.exit(not (last >= 0 and t.find(b"\r\x1b[K", last) >= 0))' tty1.tty
	tty_run tty2 ACCC_QUIET=true
	check_nogrep "quiet: no progress line" "iteration" tty2.tty
else
	echo "note: no script(1), the progress line is not tested"
fi

finish
