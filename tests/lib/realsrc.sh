# Real projects for the transparency tests and the benchmarks: a Debian 12
# source package fetched with `apt-get source`, without touching the
# system's apt configuration or state.  Source it, then:
#
#   realsrc_fetch PKG    on success sets REALSRC_DIR to the unpacked source
#                        tree (a shared, read-only-by-convention copy: copy
#                        it before building) and returns 0; on failure sets
#                        REALSRC_WHY to the reason and returns 1.
#   realsrc_require PKG  realsrc_fetch, or print the reason and exit 77.
#
# Everything apt writes (its lists, its cache, the downloaded files) lives
# under REALSRC_CACHE, default ${ACCC_BUILD:-/tmp}/realsrc; the sources list
# there names only `deb-src MIRROR bookworm main`, MIRROR being the host
# the system's own lists use (REALSRC_MIRROR overrides).  An unpacked tree
# is reused by later runs with no network access at all.  Needs apt-get and
# dpkg-source (package dpkg-dev).

: "${REALSRC_CACHE:=${ACCC_BUILD:-/tmp}/realsrc}"
REALSRC_DIR=
REALSRC_WHY=

# Print the Debian mirror of the system's bookworm lists (not -security).
realsrc_mirror() {
	local uri=
	if [ -n "${REALSRC_MIRROR:-}" ]; then
		echo "$REALSRC_MIRROR"
		return
	fi
	if [ -r /etc/apt/sources.list ]; then
		uri=$(awk '$1 == "deb" || $1 == "deb-src" {
				i = 2; if ($i ~ /^\[/) while ($i !~ /\]$/) i++
				if ($i ~ /^\[/) i++
				if ($(i + 1) == "bookworm") { print $i; exit }
			}' /etc/apt/sources.list)
	fi
	if [ -z "$uri" ] && [ -r /etc/apt/sources.list.d/debian.sources ]; then
		# deb822: the URIs of the stanza whose Suites hold plain bookworm
		uri=$(awk '/^$/ { u = ""; s = 0 }
			/^URIs:/ { u = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") s = 1 }
			u != "" && s { print u; exit }' /etc/apt/sources.list.d/debian.sources)
	fi
	echo "${uri:-http://deb.debian.org/debian}"
}

# Set REALSRC_APT to an apt-get command on the private state under $1.
# Downloads run as the current user: no sandbox switch to _apt, which could
# not write the private dirs.
realsrc_apt_init() {
	local c=$1
	REALSRC_APT=(apt-get -q -o Dir::Etc::SourceList="$c/sources.list"
		-o Dir::Etc::SourceParts=/nonexistent
		-o Dir::State::Lists="$c/lists"
		-o Dir::Cache="$c/cache"
		-o APT::Sandbox::User="$(id -un)"
		-o Acquire::Retries=2 -o Acquire::http::Timeout=30
		-o Acquire::Languages=none)
}

# realsrc_update DIR FORCE: bring the private lists under DIR up to date
# when FORCE is 1, when the mirror changed, or when there are none yet
realsrc_update() {
	local c=$1 force=$2 mirror

	mirror=$(realsrc_mirror)
	echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
		"$mirror bookworm main" >"$c/sources.list.new"
	if [ "$force" = 0 ] && cmp -s "$c/sources.list.new" "$c/sources.list" &&
	   ls "$c/lists/"*Sources* >/dev/null 2>&1; then
		rm -f "$c/sources.list.new"
		return 0
	fi
	mv "$c/sources.list.new" "$c/sources.list"
	if ! timeout 600 "${REALSRC_APT[@]}" update >"$c/update.log" 2>&1 ||
	   grep -Eq '^(E: |W: Failed to fetch|W: Some index)' "$c/update.log" ||
	   ! ls "$c/lists/"*Sources* >/dev/null 2>&1; then
		REALSRC_WHY="apt-get update of $mirror failed: $(grep -m1 -E '^[WE]: ' "$c/update.log")"
		rm -f "$c/lists/"*Sources*
		return 1
	fi
}

# Under the lock: update the private lists if needed, download and unpack
# into $REALSRC_CACHE/src/PKG, with PKG/tree linking to the source tree.
# Lists kept from an earlier run may name a version the mirror has since
# replaced: a failed download updates them and tries once more.
realsrc_fetch_locked() {
	local pkg=$1 c=$REALSRC_CACHE/apt tree=$REALSRC_CACHE/src/$1 tmp d try

	mkdir -p "$c/lists/partial" "$c/cache/archives/partial" || return 1
	realsrc_apt_init "$c"
	for try in 0 1; do
		realsrc_update "$c" "$try" || return 1
		tmp=$(mktemp -d "$REALSRC_CACHE/src/.$pkg.XXXXXX") || return 1
		(cd "$tmp" && timeout 900 "${REALSRC_APT[@]}" source "$pkg") \
			>"$tmp/source.log" 2>&1 && break
		REALSRC_WHY="apt-get source $pkg failed: $(grep -m1 '^E: ' "$tmp/source.log")"
		cp "$tmp/source.log" "$REALSRC_CACHE/src/$pkg.log" 2>/dev/null
		rm -rf "$tmp"
		[ "$try" = 1 ] && return 1
	done
	# apt-get source leaves pkg_ver.dsc, the tarballs and the pkg-ver/ tree
	for d in "$tmp"/*/; do
		[ -d "$d/debian" ] && break
		d=
	done
	if [ -z "$d" ]; then
		REALSRC_WHY="apt-get source $pkg unpacked no tree (is dpkg-dev installed?)"
		rm -rf "$tmp"
		return 1
	fi
	rm -rf "$tree"
	mv "$tmp" "$tree"
	ln -sfn "$(basename "$d")" "$tree/tree"
}

realsrc_fetch() {
	local pkg=$1 tree=$REALSRC_CACHE/src/$1 rc

	REALSRC_DIR=
	REALSRC_WHY=
	if [ ! -d "$tree/tree/debian" ]; then
		if ! command -v apt-get >/dev/null; then
			REALSRC_WHY="no apt-get here: cannot fetch Debian source '$pkg'"
			return 1
		fi
		if ! command -v dpkg-source >/dev/null; then
			REALSRC_WHY="no dpkg-source (install dpkg-dev): cannot unpack '$pkg'"
			return 1
		fi
		mkdir -p "$REALSRC_CACHE/src" || {
			REALSRC_WHY="cannot create '$REALSRC_CACHE'"
			return 1
		}
		# ctest -j may fetch two packages at once: one apt state, one lock
		exec {REALSRC_LOCKFD}>"$REALSRC_CACHE/lock"
		flock "$REALSRC_LOCKFD"
		rc=0
		[ -d "$tree/tree/debian" ] || realsrc_fetch_locked "$pkg" || rc=1
		exec {REALSRC_LOCKFD}>&-
		[ $rc -eq 0 ] || return 1
	fi
	REALSRC_DIR=$(cd "$tree/tree" && pwd -P)
}

realsrc_require() {
	realsrc_fetch "$1" && return 0
	echo "SKIP: cannot get the Debian source of '$1': $REALSRC_WHY"
	exit 77
}

# realsrc_lua_tree DEST: copy lua5.4 (fetched with realsrc_fetch) to DEST,
# ready for `make -C DEST/src linux` with build-essential alone.  Debian's
# 0001-build-system.patch switches the Makefiles to libtool (and C++
# objects); it is reversed to give upstream's Makefile.  The other Debian
# patches stay, so luaconf.h wants the multiarch header that debian/rules
# writes.  Returns 1 with REALSRC_WHY set on failure.
realsrc_lua_tree() {
	local dest=$1 ma

	cp -a "$REALSRC_CACHE/src/lua5.4/tree/." "$dest" || {
		REALSRC_WHY="cannot copy lua5.4 to '$dest'"
		return 1
	}
	if ! (cd "$dest" && patch -s -R -p1 <debian/patches/0001-build-system.patch); then
		REALSRC_WHY="cannot reverse Debian's build-system patch of lua5.4"
		return 1
	fi
	ma=$(gcc -print-multiarch 2>/dev/null)
	printf '#ifndef _LUA_DEB_MULTIARCH_\n#define _LUA_DEB_MULTIARCH_\n#define DEB_HOST_MULTIARCH "%s"\n#endif\n' \
		"${ma:-unknown}" >"$dest/src/lua5.4-deb-multiarch.h"
}
