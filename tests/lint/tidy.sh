#!/bin/sh
# clang-tidy with the tree's .clang-tidy over every accc source in
# compile_commands.json (tests/, the fuzzers and generated files left
# out); fails on any finding, each printed with its check's name.
#
#   tests/lint/tidy.sh [BUILD_DIR] [FILE...]
#
# BUILD_DIR (default build-tidy/) is configured here with
# CMAKE_EXPORT_COMPILE_COMMANDS; FILEs narrow the run.  Needs clang-tidy
# (Debian: clang-tidy, version 14 or later); without it, exits 77 (skip).
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build-tidy}
[ $# -gt 0 ] && shift
ct=${CLANG_TIDY:-}
if [ -z "$ct" ]; then
	for c in clang-tidy clang-tidy-19 clang-tidy-14; do
		command -v "$c" >/dev/null && { ct=$c; break; }
	done
fi
if [ -z "$ct" ]; then
	echo "skip: clang-tidy not found (Debian package clang-tidy)"
	exit 77
fi
cmake -S "$top" -B "$build" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DACCC_FUZZ=OFF >/dev/null || exit 1
if [ $# -eq 0 ]; then
	set -- $(python3 - "$build/compile_commands.json" "$top" <<'P'
import json, os, sys
top = sys.argv[2] + "/"
seen = set()
for e in json.load(open(sys.argv[1])):
    f = os.path.normpath(os.path.join(e["directory"], e["file"]))
    if f.startswith(top) and not f.startswith(top + "tests/") and f not in seen:
        seen.add(f)
        print(f)
P
)
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# one process per core; --quiet keeps only the findings
printf '%s\n' "$@" | xargs -P "$(nproc)" -n 4 "$ct" -p "$build" --quiet >"$out" 2>&1
n=$(grep -c -E '(warning|error): .*\[[a-z0-9.,-]+\]$' "$out")
if [ "$n" -gt 0 ]; then
	grep -E '(warning|error): .*\[[a-z0-9.,-]+\]$' "$out" | sort -u
	echo "tidy: $n findings in $# files (fix, or NOLINT(check) with the reason)"
	exit 1
fi
echo "tidy: no finding in $# files"
