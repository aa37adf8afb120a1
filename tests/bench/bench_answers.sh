#!/usr/bin/env bash
# The answer shapes of tests/answers/ before (the first ```c block, as
# accc took answers until the normalizer) and after (passes/answer.c):
# candidates judged, compiled and correct.  Needs a build in $ACCC_BUILD
# (default build/).
set -e
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${ACCC_BUILD:-$src/build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -std=c11 -D_GNU_SOURCE -I"$src/passes" -I"$src/passes/search" -I"$src/driver/base" \
	"$src/tests/bench/answer_shapes.c" "$src/passes/answer.c" "$src/passes/normalize.c" \
	"$src/passes/search/prompt.c" "$build/driver/libaccc_base.a" -lcjson -lm -o "$tmp/shapes"
"$tmp/shapes" "$src/tests/answers" "$tmp/cand.c"
