#!/bin/sh
# Fail, listing them, when tracked C files differ from what clang-format
# makes of them with the tree's .clang-format.
#
#   tests/lint/format.sh [--fix]
#
# --fix rewrites them instead.  Needs clang-format (Debian: clang-format;
# version 14 or later); without it, prints why and exits 77 (a skip).
top=$(cd "$(dirname "$0")/../.." && pwd)
cf=${CLANG_FORMAT:-}
if [ -z "$cf" ]; then
	for c in clang-format clang-format-19 clang-format-14; do
		command -v "$c" >/dev/null && { cf=$c; break; }
	done
fi
if [ -z "$cf" ]; then
	echo "skip: clang-format not found (Debian package clang-format)"
	exit 77
fi
cd "$top" || exit 1
bad=0
for f in $(git ls-files '*.c' '*.h'); do
	if [ "${1:-}" = --fix ]; then
		"$cf" --style=file -i "$f" || bad=1
	elif ! "$cf" --style=file "$f" | cmp -s - "$f"; then
		[ $bad = 1 ] || echo "not formatted ($cf --style=file; tests/lint/format.sh --fix):"
		echo "  $f"
		bad=1
	fi
done
exit $bad
