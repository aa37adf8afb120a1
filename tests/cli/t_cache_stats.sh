#!/usr/bin/env bash
# accc cache stats: every counter in words, zeros included, in a fixed
# order; --json has the stable keys (the same counters, by name).
. "$(dirname "$0")/../lib/cli.sh"

run_cap t "$ACCC" cache stats
check_eq "cache stats succeeds on an empty cache" "$(cat t.rc)" 0
run_cap j "$ACCC" cache stats --json
check "--json is one object with the directory and the counters" python3 -c '
import json; d = json.load(open("j.out"))
assert d["dir"] and d["max_size"] > 0
assert all(isinstance(v, int) for k, v in d.items() if k != "dir")' 
keys=$(python3 -c 'import json; print(" ".join(k for k in json.load(open("j.out")) if k not in ("dir", "max_size")))')
for k in entries bytes local_hit local_miss remote_hit remote_miss store evicted direct_hit \
	searches winners search_errors candidates_judged llm_calls tokens error_corrupt error_io; do
	check "--json has the key $k" grep -qw "$k" <<<"$keys"
done
check_eq "one text line per counter, plus directory and size limit" \
	"$(wc -l <t.out)" "$(( $(wc -w <<<"$keys") + 2 ))"
check_eq "no raw key in the text form: every label is words" \
	"$(tail -n +3 t.out | awk '{ print $1 }' | grep -c '_')" 0
check_eq "zeros are shown" "$(grep -c ' 0$' t.out)" "$(( $(wc -w <<<"$keys") - 1 ))"
check_grep "searches in words" "^searches run  *0$" t.out
check_grep "tokens in words" "^LLM tokens (in + out)  *0$" t.out
check_grep "the size in words" "^size  *0 (0 bytes)$" t.out
finish
