# Shared by tests/bench/*.sh: medians, and the ABBA comparison of a build
# with the plain compiler against the same build through accc.

# median: the median of the numbers on stdin, one per line
median() { sort -g | awk '{ v[NR] = $1 } END { m = int((NR + 1) / 2);
	print (NR % 2) ? v[m] : (v[m] + v[m + 1]) / 2 }'; }

# bench_abba RUNS FILE: one untimed build of each, then RUNS alternated pairs
# (ABBA order) of `one_build cc` and `one_build "$ACCC_BIN"` (the caller
# defines one_build CC, printing "wall cpu"); each run is printed, and its
# four columns (cc wall, cc cpu, accc wall, accc cpu) appended to FILE.
bench_abba() {
	local runs=$1 file=$2 i a c
	one_build cc >/dev/null
	one_build "$ACCC_BIN" >/dev/null
	: >"$file"
	for ((i = 1; i <= runs; i++)); do
		if ((i % 2)); then
			c=$(one_build cc)
			a=$(one_build "$ACCC_BIN")
		else
			a=$(one_build "$ACCC_BIN")
			c=$(one_build cc)
		fi
		echo "$c $a" >>"$file"
		awk -v i="$i" '{ printf "run %d: wall cc %.3fs accc %.3fs ratio %.4f | cpu cc %.3fs accc %.3fs ratio %.4f\n",
			i, $1, $3, $3 / $1, $2, $4, $4 / $2 }' <<<"$c $a"
	done
}

# bench_summary FILE GOAL: the medians and the median ratios accc/cc of
# bench_abba's FILE, against GOAL (e.g. "goal <= 1.05" on the wall line)
bench_summary() {
	local file=$1 goal=$2
	col() { awk -v k="$1" '{ print $k }' "$file" | median; }
	rat() { awk -v x="$1" -v y="$2" '{ print $x / $y }' "$file" | median; }
	awk -v cw="$(col 1)" -v cc="$(col 2)" -v aw="$(col 3)" -v ac="$(col 4)" \
	    -v rw="$(rat 3 1)" -v rc="$(rat 4 2)" -v goal="$goal" 'BEGIN {
		printf "median wall: cc %.3fs accc %.3fs; median cpu: cc %.3fs accc %.3fs\n", cw, aw, cc, ac
		printf "median ratio accc/cc, wall: %.4f (of paired runs), %.4f (of medians); %s\n", rw, aw / cw, goal
		printf "median ratio accc/cc, cpu:  %.4f (of paired runs), %.4f (of medians)\n", rc, ac / cc }'
}

# bench_timed NAME COMMAND...: run COMMAND (a build; its output goes to
# $W/make.log) under `time`; prints "wall cpu" (cpu: user + sys of it and
# its children), or the log's tail and exits 1 when it fails
bench_timed() {
	local name=$1 t TIMEFORMAT='%3R %3U %3S'
	shift
	if ! { time "$@" >"$W/make.log" 2>&1; } 2>"$W/time"; then
		echo "$name: the build failed: $*" >&2
		tail -20 "$W/make.log" >&2
		exit 1
	fi
	read -r -a t <"$W/time"
	awk -v r="${t[0]}" -v u="${t[1]}" -v s="${t[2]}" 'BEGIN { printf "%.3f %.3f\n", r, u + s }'
}
