#!/usr/bin/env bash
# Transparency on a real CMake project: cJSON from Debian's source package
# (cjson), configured and built twice, plainly and with
# CMAKE_C_COMPILER_LAUNCHER=accc, with its tests and cJSON_Utils enabled.
# Both builds use one build path, one after the other ($T_DIR/b, the first
# moved aside before the second starts), so RelWithDebInfo's -g can stay:
# the debug info's build directory is the same in both.  Every object and
# every linked library and test program must be byte-identical; the
# ACCC_LOGFILE must show that accc ran the compile of every object; the
# project's ctest must pass under the accc build.  Skips (77) only when the
# source (or cmake) cannot be had.
. "$(dirname "$0")/../lib/cli.sh"
. "$ACCC_SRC/tests/lib/realsrc.sh"

command -v cmake >/dev/null || skip "no cmake"
command -v ctest >/dev/null || skip "no ctest"
realsrc_require cjson
cp -a "$REALSRC_DIR" src

CONF=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DENABLE_CJSON_TEST=ON
      -DENABLE_CJSON_UTILS=ON -DENABLE_VALGRIND=OFF)

# build NAME [CMAKE-ARGS...]: configure, build and ctest in ./b, keep it as
# NAME; the ctest output is NAME.ctest
build() {
	local name=$1
	shift
	rm -rf b
	if cmake -S src -B b "${CONF[@]}" "$@" >"$name.log" 2>&1 &&
	   cmake --build b -j2 >>"$name.log" 2>&1; then
		ok
	else
		bad "build '$name' failed"
		tail -20 "$name.log" | sed 's/^/  | /' >&2
	fi
	(cd b && ctest --output-on-failure -j2) >"$name.ctest" 2>&1
	echo $? >"$name.ctest.rc"
	mv b "$name"
}

# elf_files DIR: the objects and linked programs and libraries under DIR,
# leaving out CMake's own compiler-identification programs
elf_files() {
	(cd "$1" && find . -path ./CMakeFiles -prune -o -type f -print |
		while read -r f; do
			[ "$(head -c4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] && echo "$f"
		done | sort)
}

build plain
ACCC_LOGFILE=$T_DIR/accc.alog build accc -DCMAKE_C_COMPILER_LAUNCHER="$ACCC"
check_grep "the launcher is configured" "CMAKE_C_COMPILER_LAUNCHER:.*=$ACCC\$" accc/CMakeCache.txt

elf_files plain >plain.files
elf_files accc >accc.files
check_eq "same objects and programs" "$(cat accc.files)" "$(cat plain.files)"
nobj=$(grep -c '\.o$' plain.files)
if [ "$nobj" -ge 20 ]; then ok; else bad "plain build has only $nobj objects"; fi
while read -r f; do
	check_same "${f#./}" "plain/$f" "accc/$f"
done <plain.files

# accc ran the compile of every object (make runs each compile in the
# object's CMake directory, so -o names it from there: CMakeFiles/...)
if [ -s accc.alog ]; then
	ok
	grep '\.o$' plain.files | while read -r f; do
		grep -qF -- "-o CMakeFiles/${f#*/CMakeFiles/} -c " accc.alog || echo "${f#./}"
	done >missing
	check_eq "every object compiled through accc" "$(cat missing)" ""
else
	bad "ACCC_LOGFILE was not written: accc was not in the loop"
fi

check_eq "plain ctest status" "$(cat plain.ctest.rc)" 0
check_eq "accc ctest status" "$(cat accc.ctest.rc)" 0
check_grep "accc ctest ran the tests" "100% tests passed, 0 tests failed out of [1-9]" accc.ctest
[ "$(cat accc.ctest.rc)" = 0 ] || sed 's/^/  | /' accc.ctest >&2
finish
