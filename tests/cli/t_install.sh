#!/usr/bin/env bash
# Installed accc: `cmake --install` into a temporary prefix; with the source
# tree's prompts out of reach (a private mount namespace puts an empty
# folder over them), P/bin/accc builds the demo from another directory,
# searching with P/share/accc/prompts; without those, a compile names the
# missing folder and still succeeds with the original kernels.
. "$(dirname "$0")/../lib/cli.sh"
. "$ACCC_SRC/tests/lib/e2e.sh"
e2e_env

BUILD=$(cd "$(dirname "$ACCC_BIN")/.." && pwd)
command -v unshare >/dev/null || skip "unshare not found (util-linux)"
unshare -m true 2>/dev/null || skip "no mount namespace here (unshare -m needs root or CAP_SYS_ADMIN)"
start=$(date +%s.%N)

run_cap i cmake --install "$BUILD" --prefix "$T_DIR/p"
check_eq "cmake --install succeeds" "$(cat i.rc)" 0
for f in bin/accc bin/accc-core share/accc/prompts/host/plan.md share/accc/prompts/host/menu.txt \
	share/man/man1/accc.1; do
	check "it installs $f" test -s "$T_DIR/p/$f"
done
check_grep "the man page names the report" "^\.B report" "$T_DIR/p/share/man/man1/accc.1"

cp -r "$ACCC_SRC/sols/demo" demo
make -s -C demo clean
# hidden: run CMD with an empty folder over the source tree's prompts
hidden() {
	unshare -m sh -c 'mount -t tmpfs none "$1" && shift && exec "$@"' sh "$ACCC_SRC/prompts" "$@"
}
check "the source tree's prompts are out of reach under hidden" \
	hidden sh -c "! test -e '$ACCC_SRC/prompts/host/plan.md'"
run_cap cfg hidden "$T_DIR/p/bin/accc" config
check_grep "the installed accc uses its own prompts" "^prompts_dir *= $T_DIR/p/bin/../share/accc/prompts " cfg.out

run_cap b1 hidden make -s -C demo CC="$T_DIR/p/bin/accc"
check_eq "the demo builds through the installed accc" "$(cat b1.rc)" 0
check_eq "its kernels were searched" "$(cstat searches)" 4
check_eq "no search failed" "$(cstat search_errors)" 0
run_cap d1 ./demo/demo
check_eq "the demo's own checks pass" "$(cat d1.rc)" 0

# without installed prompts (and the source tree's hidden): a clear warning
rm -rf "$T_DIR/p/share/accc/prompts"
make -s -C demo clean
(export ACCC_DIR=$T_DIR/cache2; run_cap b2 hidden make -s -C demo CC="$T_DIR/p/bin/accc")
check_eq "a missing prompts folder does not fail the build" "$(cat b2.rc)" 0
check_grep "it names the missing folder" \
	"cannot run: no prompts folder '$T_DIR/p/bin/../share/accc/prompts'" b2.err
echo "install test: $(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s"
finish
