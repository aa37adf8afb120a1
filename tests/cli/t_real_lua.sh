#!/usr/bin/env bash
# Transparency on a real project: lua5.4 from Debian's source package, built
# with upstream's src/Makefile from clean copies at one path: plain
# (CC=cc), CC=accc (real compiler from the default cc), CC="accc gcc"
# (prefix) and a gcc symlink to accc first on PATH (masquerade: the
# Makefile's own CC=gcc).  Every object, the archive and both binaries must
# be byte-identical to the plain build's; ACCC_LOGFILE must show that accc
# ran every compile and passed the links through; the accc-built interpreter
# must run a script, and its luac bytecode, with the exact expected output.
# Debian's lua5.4 has no test suite (no debian/tests; upstream's tests are a
# separate tarball), so the script below is the test.  Skips (77) only when
# the source cannot be had.
. "$(dirname "$0")/../lib/cli.sh"
. "$ACCC_SRC/tests/lib/realsrc.sh"

realsrc_require lua5.4
command -v make >/dev/null || skip "no make (install build-essential)"
command -v patch >/dev/null || skip "no patch (install patch)"
command -v gcc >/dev/null || skip "no gcc (install build-essential)"

# upstream's src/Makefile on Debian's patched sources (see realsrc.sh)
if ! realsrc_lua_tree pristine; then
	bad "$REALSRC_WHY"
	finish
	exit
fi

# build NAME COMMAND...: run COMMAND in a clean copy at ./lua (one path for
# every build, so that nothing path-dependent can differ), keep it as NAME
build() {
	local name=$1
	shift
	rm -rf lua && cp -a pristine lua
	if (cd lua && "$@") >"$name.log" 2>&1; then
		ok
	else
		bad "build '$name' failed"
		tail -20 "$name.log" | sed 's/^/  | /' >&2
	fi
	mv lua "$name"
}

MAKE_LUA=(make -j2 -C src linux)
build plain "${MAKE_LUA[@]}" CC="cc -std=gnu99"
# The prefix and masquerade builds run gcc: where cc is not gcc, their
# reference is a plain gcc build.
ref_gcc=plain
if [ "$(readlink -f "$(command -v cc)")" != "$(readlink -f "$(command -v gcc)")" ]; then
	build plain-gcc "${MAKE_LUA[@]}" CC="gcc -std=gnu99"
	ref_gcc=plain-gcc
fi
build env env ACCC_LOGFILE="$T_DIR/env.alog" "${MAKE_LUA[@]}" CC="$ACCC -std=gnu99"
build prefix env ACCC_LOGFILE="$T_DIR/prefix.alog" "${MAKE_LUA[@]}" CC="$ACCC gcc -std=gnu99"
real_gcc=$(command -v gcc)
mkdir bin && ln -s "$ACCC" bin/gcc
build masq env PATH="$T_DIR/bin:$PATH" ACCC_LOGFILE="$T_DIR/masq.alog" "${MAKE_LUA[@]}"
check_grep "masquerade build ran the Makefile's own CC" "^gcc -std=gnu99 .*-c" masq.log

# same_tree NAME REF: every object and output of NAME is REF's, byte for byte
same_tree() {
	local name=$1 ref=$2 f n=0
	for f in "$ref"/src/*.o; do
		n=$((n + 1))
		check_same "$name: ${f##*/}" "$f" "$name/src/${f##*/}"
	done
	check_eq "$name: object list" "$(cd "$name/src" && ls ./*.o)" "$(cd "$ref/src" && ls ./*.o)"
	if [ "$n" -ge 30 ]; then ok; else bad "$ref: only $n objects"; fi
	for f in liblua.a lua luac; do
		check_same "$name: $f" "$ref/src/$f" "$name/src/$f"
	done
}

# log_shows NAME: accc ran every compile and passed the two links through
log_shows() {
	local name=$1 nobj
	if [ ! -s "$name.alog" ]; then
		bad "$name: ACCC_LOGFILE was not written: accc was not in the loop"
		return
	fi
	nobj=$(ls "$name"/src/*.o | wc -l)
	check_eq "$name: compiles exec'd by accc" "$(grep -c 'exec: .* -c ' "$name.alog")" "$nobj"
	check_eq "$name: links passed through" "$(grep -c 'pass-through (' "$name.alog")" 2
	check_nogrep "$name: accc never calls itself" "exec: $T_DIR/bin/" "$name.alog"
}

same_tree env plain
log_shows env
same_tree prefix "$ref_gcc"
log_shows prefix
same_tree masq "$ref_gcc"
log_shows masq
check_grep "masquerade: the real gcc runs" "exec: $real_gcc " masq.alog

# The test script: string, table, math, closures, coroutines, metatables,
# to-be-closed variables, errors, goto, utf8, load, and some VM work.
cat >t.lua <<'LUA'
-- strings
local s = "Hello, accc"
print(#s, s:upper(), s:sub(1, 5), s:rep(2, "|"), s:find("accc"))
print(string.format("%5.2f|%-6s|%x|%q|%d", math.pi, "ab", 255, "tab\t", 42))
print((s:gsub("%w+", function(w) return w:reverse() end)))
local words = {}
for w in ("the quick brown fox"):gmatch("%a+") do words[#words + 1] = w end
print(table.concat(words, ","), ("abc"):byte(1, -1))
print(string.char(72, 105), ("x"):rep(3), ("%d items"):format(3))
print(string.unpack("<i4", string.pack("<i4", -2)), #string.pack("z", "abc"))
print(("  trim me  "):match("^%s*(.-)%s*$") .. "|")
-- tables
local t = {5, 3, 8, 1, 9, 2}
table.sort(t)
print(table.concat(t, " "))
table.sort(t, function(a, b) return a > b end)
print(table.concat(t, " "), #t)
table.insert(t, 1, 100); table.remove(t)
print(table.concat(t, " "), select("#", table.unpack(t)))
local keys, m = {}, {b = 2, a = 1, c = 3}
for k in pairs(m) do keys[#keys + 1] = k end
table.sort(keys)
print(table.concat(keys), m.a + m.b + m.c)
print(table.pack(1, nil, 3).n, select(2, "a", "b", "c"))
-- math
print(7 // 2, -7 // 2, 7 % -3, -7 % 3, 7 / 2, 2^10, 1e15, 2^53)
print(math.maxinteger + 1 == math.mininteger, math.tointeger(3.0), math.type(1), math.type(1.0))
print(math.floor(-3.5), math.ceil(-3.5), math.abs(-4), math.max(3, 9, 2), math.fmod(7, 3))
print(string.format("%.17g", 0.1), 10 // 0.0, -(0/0) ~= -(0/0), 3 | 5, 3 & 5, 3 ~ 5, 1 << 62)
print("10" + 1, 10 .. 20, tonumber("0x1F"), tonumber("z", 36), tostring(1/0))
-- closures
local function counter()
  local n = 0
  return function() n = n + 1; return n end, function() return n end
end
local inc, get = counter()
inc(); inc(); inc()
print(get())
local fs = {}
for i = 1, 3 do fs[i] = function() return i * 10 end end
print(fs[1](), fs[2](), fs[3]())
-- coroutines
local gen = coroutine.create(function(a, b)
  local c = coroutine.yield(a + b)
  local d, e = coroutine.yield(c * 2)
  return d + e
end)
print(coroutine.resume(gen, 1, 2))
print(coroutine.resume(gen, 10))
print(coroutine.resume(gen, 3, 4))
print(coroutine.status(gen), coroutine.resume(gen))
local squares = coroutine.wrap(function() for i = 1, 4 do coroutine.yield(i * i) end end)
print(squares(), squares(), squares(), squares())
-- metatables
local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({x = a.x + b.x}, V) end
V.__tostring = function(v) return "V(" .. v.x .. ")" end
V.__eq = function(a, b) return a.x == b.x end
V.__lt = function(a, b) return a.x < b.x end
V.__call = function(v, k) return v.x * k end
function V.double(v) return v.x * 2 end
local a, b = setmetatable({x = 1}, V), setmetatable({x = 2}, V)
print(tostring(a + b), a == b, a < b, a(7), b:double())
do
  local closed = {}
  do
    local h <close> = setmetatable({}, {__close = function() closed[1] = "closed" end})
  end
  print(closed[1])
end
-- errors
local eok, eobj = pcall(error, {code = 7})
print(eok, eobj.code)
local ok, e = pcall(function() error("boom", 0) end)
print(ok, e)
print(select(2, pcall(function() local x = nil; return x.y end)):match("attempt to index"))
print(xpcall(function() error("deep") end, function(m) return "handled: " .. m:gsub("^.-: ", "") end))
-- control flow, utf8, load
local odd = {}
for i = 1, 10 do
  if i % 2 == 0 then goto continue end
  odd[#odd + 1] = i
  ::continue::
end
print(table.concat(odd, ","))
for x = 1.0, 2.0, 0.5 do io.write(x, " ") end print()
print(utf8.char(72, 228, 8364), utf8.len("h\u{e4}\u{20ac}"), utf8.codepoint("\u{20ac}"))
print(load("return 6 * 7")(), load("syntax error here") == nil)
-- some work for the VM
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
local sieve, primes = {}, 0
for i = 2, 1000 do
  if not sieve[i] then primes = primes + 1; for j = i * i, 1000, i do sieve[j] = true end end
end
local parts = {}
for i = 1, 10000 do parts[i] = i % 10 end
print(fib(25), primes, #table.concat(parts))
collectgarbage()
print("done")
LUA
cat >t.expected <<'OUT'
11	HELLO, ACCC	Hello	Hello, accc|Hello, accc	8	11
 3.14|ab    |ff|"tab\9"|42
olleH, ccca
the,quick,brown,fox	97	98	99
Hi	xxx	3 items
-2	4
trim me|
1 2 3 5 8 9
9 8 5 3 2 1	6
100 9 8 5 3 2	6
abc	6
3	b	c
3	-4	-2	2	3.5	1024.0	1e+15	9.007199254741e+15
true	3	integer	float
-4	-3	4	9	1
0.10000000000000001	inf	true	7	1	6	4611686018427387904
11	1020	31	35	inf
3
10	20	30
true	3
true	20
true	7
dead	false	cannot resume dead coroutine
1	4	9	16
V(3)	false	true	7	4
closed
false	7
false	boom
attempt to index
false	handled: deep
1,3,5,7,9
1 1.5 2 
Hä€	3	8364
42	true
75025	168	10000
done
OUT

# run_lua NAME: the interpreter built as NAME runs the script, from source
# and from luac bytecode, with exactly the expected output
run_lua() {
	local name=$1
	run_cap "$name.v" "$name/src/lua" -v
	check_grep "$name: lua -v" "^Lua 5\.4\.4 " "$name.v.out"
	run_cap "$name.t" "$name/src/lua" t.lua
	check_eq "$name: script status" "$(cat "$name.t.rc")" 0
	check_same "$name: script output" t.expected "$name.t.out"
	run_cap "$name.luac" "$name/src/luac" -o "$name.luac" t.lua
	run_cap "$name.bc" "$name/src/lua" "$name.luac"
	check_same "$name: bytecode output" t.expected "$name.bc.out"
}
run_lua plain
run_lua env
run_lua prefix
run_lua masq
finish
