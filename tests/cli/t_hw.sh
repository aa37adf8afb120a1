#!/bin/bash
# accc hw: the host fingerprint, as text (exactly what cache keys hash) and
# as JSON.  The text must be stable from run to run.
set -u
out=$("$ACCC_BIN" hw 2>&1)
status=$?
case "$out" in
target\ host*) ;;
*)
	if [ $status -ne 0 ] || [ -z "$out" ]; then
		echo "skip: 'accc hw' is not wired into the subcommand list yet (exit $status): $out"
		exit 77
	fi
	echo "unexpected output: $out"
	exit 1
	;;
esac
fail=0
check() { if ! eval "$1"; then echo "FAIL: $1"; fail=1; fi; }

for key in arch vendor family model-name isa cache cpus; do
	check "printf '%s\n' \"\$out\" | grep -q '^$key '"
done
check "[ \"\$(\"$ACCC_BIN\" hw)\" = \"\$out\" ]"
check "! printf '%s\n' \"\$out\" | grep -qi 'mhz'"
if [ "$(uname -m)" = x86_64 ]; then
	check "printf '%s\n' \"\$out\" | grep -q '^isa .*sse2'"
fi

json=$("$ACCC_BIN" hw --json)
check "[ \$? -eq 0 ]"
if command -v python3 >/dev/null; then
	check "printf '%s' \"\$json\" | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d[\"target\"]==\"host\" and d[\"cpus\"]>=1 and isinstance(d[\"isa\"], list) else 1)'"
	fp=$(printf '%s' "$json" | python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin)["fingerprint"])')
	check "[ \"\$fp\" = \"\$out\" ]"
else
	check "printf '%s' \"\$json\" | grep -q '\"fingerprint\"'"
fi
"$ACCC_BIN" hw --bogus >/dev/null 2>&1
check "[ \$? -eq 2 ]"
[ $fail -eq 0 ] && echo "t_hw: ok"
exit $fail
