#!/usr/bin/env bash
# The report as a person sees it: opened in a real headless Chromium, it
# logs no console error, its DOM holds one tree node per candidate (and the
# original), and its screenshot is a picture, not a blank page.  A page
# with a deliberate script error proves the console check catches one.
. "$(dirname "$0")/../lib/cli.sh"
. "$ACCC_SRC/tests/lib/search.sh"

CHROMIUM=$(command -v chromium || command -v chromium-browser) ||
	skip "chromium not found (.ci/deps installs Debian's chromium)"

cat > k.c <<'C'
#pragma autocomp target(host) in(a[n*n], b[n*n]) out(c[n*n]) args(n=64) \
	tol(1e-4) flops(2.0 * n * n * n) bytes(12.0 * n * n)
void mm(int n, const float *a, const float *b, float *c)
{
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++) {
			float s = 0;
			for (int k = 0; k < n; k++)
				s += a[i * n + k] * b[k * n + j];
			c[i * n + j] = s;
		}
}
C
export ACCC_ITERATIONS=2 ACCC_BEAM=2 ACCC_PLANS=2 ACCC_SAMPLES=1 ACCC_SEED=7
export ACCC_METRIC=time ACCC_QUIET=true
run_cap p "$ACCC" hw --peaks
run_cap c "$ACCC" gcc -O2 -c k.c -o k.o
check_eq "the search's compile succeeds" "$(cat c.rc)" 0
run_cap r "$ACCC" report mm -o "$T_DIR/report.html"
check_eq "accc report succeeds" "$(cat r.rc)" 0

# chromium PAGE NAME ARGS...: headless, console messages on NAME.err
chromium() {
	local page=$1 name=$2
	shift 2
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$T_DIR/profile-$name" --enable-logging=stderr --v=0 \
		"$@" "file://$page" >"$name.out" 2>"$name.err"
}
console_errors() { grep -E ':CONSOLE(:|\()' "$1" | grep -ciE 'error|uncaught|failed'; }

printf '<html><body><p>x</p><script>no_such_function();</script></body></html>\n' > bad.html
chromium "$T_DIR/bad.html" bad --dump-dom
check "the console check sees a deliberate script error" test "$(console_errors bad.err)" -ge 1

chromium "$T_DIR/report.html" dom --dump-dom
check_eq "the report logs no console error" "$(console_errors dom.err)" 0
nodes=$(sj 'len(d["nodes"])')
check_eq "the rendered tree holds one node per candidate and the original" \
	"$(grep -o '<g class="node"' dom.out | wc -l)" "$nodes"
check "...and there were candidates" test "$nodes" -ge 3

chromium "$T_DIR/report.html" shot --window-size=1280,1600 --screenshot="$T_DIR/shot.png"
check_eq "the screenshot logs no console error" "$(console_errors shot.err)" 0
check "the screenshot is a picture: many colours, most of it not background" python3 - "$T_DIR/shot.png" <<'P'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and ctype in (2, 6), "unexpected PNG format"
        bpp = 3 if ctype == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw, stride = zlib.decompress(idat), w * bpp
prev, colours, ink = bytearray(stride), set(), 0
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        p = a + b - c
        pred = [0, a, b, (a + b) // 2,
                a if abs(p - a) <= abs(p - b) and abs(p - a) <= abs(p - c) else b if abs(p - b) <= abs(p - c) else c][f]
        line[i] = (line[i] + pred) & 255
    for x in range(0, w, 4):
        px = bytes(line[x * bpp:x * bpp + 3])
        colours.add(px)
        ink += px != b"\xff\xff\xff"
    prev = line
print("colours", len(colours), "non-white samples", ink, "of", h * ((w + 3) // 4))
sys.exit(0 if len(colours) >= 20 and ink >= h * ((w + 3) // 4) // 50 else 1)
P
finish
