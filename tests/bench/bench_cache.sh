#!/bin/bash
# bench_cache.sh [BUILD_DIR]: the cache's costs (prints figures; not a timed
# test).  Local hit / miss / put in microseconds, open+hit+free as one compile
# pays it, a remote hit from a loopback nginx, verify over 10,000 entries.
# Needs the unit tests built (cmake --build BUILD_DIR); nginx for the remote
# figure (skipped with a note without it).
build=${1:-${ACCC_BUILD:-build}}
bin=$build/tests/test_cache_bench
if [ ! -x "$bin" ]; then
	echo "error: $bin not built; run cmake --build $build first" >&2
	exit 1
fi
export ACCC_SRC=${ACCC_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
echo "accc cache benchmark ($(nproc) cores, $(uname -r), TMPDIR=${TMPDIR:-/tmp})"
exec "$bin" --bench
