#!/usr/bin/env python3
"""tests/gpu/figures.py OUTDIR: GPU figures next to accc's verdicts (run by
tests/gpu/run on a GPU machine with PyTorch and Triton).

- the machine's peaks: copy bandwidth, fp32 (cuBLAS, no tf32) and bf16
  matrix rates (the roofline every winner's % is taken against);
- each sols/cuda variant's speedup (from judge_NAME.json) and % of roofline
  from its flops/bytes at the benchmark shape;
- sgemm: the variant's host function against cuBLAS (torch.mm) end to end
  (copies included) and on the device alone;
- accc's time per call of the saxpy variant against triton.testing.do_bench
  of the same function (ctypes into an nvcc-built shared object)."""
import ctypes, json, os, subprocess, sys

out = sys.argv[1]
import torch
from triton.testing import do_bench

def ms(f):
    return do_bench(f, warmup=25, rep=200)

dev = torch.device("cuda")
src = torch.empty(1 << 30, dtype=torch.uint8, device=dev)
dst = torch.empty_like(src)
bw = 2 * src.numel() / (ms(lambda: dst.copy_(src)) * 1e-3)
torch.backends.cuda.matmul.allow_tf32 = False
a = torch.randn(8192, 8192, device=dev)
fp32 = 2 * 8192**3 / (ms(lambda: a @ a) * 1e-3)
ab = a.bfloat16()
bf16 = 2 * 8192**3 / (ms(lambda: ab @ ab) * 1e-3)
del src, dst, a, ab
print("peaks: copy %.0f GB/s, fp32 %.1f TFLOP/s (cuBLAS), bf16 %.0f TFLOP/s" %
      (bw / 1e9, fp32 / 1e12, bf16 / 1e12))
fig = {"bw": bw, "fp32": fp32, "bf16": bf16}

for f in sorted(os.listdir(out)):
    if not (f.startswith("judge_") and f.endswith(".json")):
        continue
    name = f[6:-5]
    try:
        r = json.load(open(os.path.join(out, f)))[-1]
    except Exception as e:
        print("%-10s no result (%s)" % (name, e))
        continue
    t = r.get("timing") or {}
    if not t:
        print("%-10s %s: %s" % (name, r.get("verdict"), r.get("reason")))
        continue
    cand = t["cand"]
    gf, gb = t.get("gflops", 0) or 0, t.get("gbytes", 0) or 0
    # gflops/gbytes: the rates accc measured (per second); memory(host)
    # times include the PCIe copies, so HBM's roofline is far away
    frac = max(gf * 1e9 / fp32, gb * 1e9 / bw)
    print("%-10s %-5s speedup %8.2fx over the C on the CPU  cand %.3f ms  %5.1f%% of roofline"
          % (name, r["verdict"], t["speedup"], cand * 1e3, 100 * frac))
    fig[name] = {"speedup": t["speedup"], "cand_s": cand, "roofline": frac}

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
def lib(name):
    so = os.path.join(out, name + ".so")
    subprocess.check_call(["/usr/local/cuda/bin/nvcc", "-O3", "-arch=sm_90a", "-shared",
                           "-Xcompiler", "-fPIC", "-o", so,
                           os.path.join(root, "sols/cuda/variants", name + ".cu")])
    return ctypes.CDLL(so)

P = ctypes.c_void_p
n = 1024
sg = lib("sgemm")
A, B, C = (torch.randn(n, n) for _ in range(3))
e2e_v = ms(lambda: sg.sgemm(n, n, n, P(A.data_ptr()), P(B.data_ptr()), P(C.data_ptr())))
e2e_c = ms(lambda: torch.mm(A.cuda(), B.cuda()).cpu())
ref = A @ B
print("sgemm %d: variant/cuBLAS end to end %.2f (variant %.3f ms, cuBLAS %.3f ms), max err %.2g"
      % (n, e2e_v / e2e_c, e2e_v, e2e_c, (C - ref).abs().max().item()))
Ad, Bd = A.cuda(), B.cuda()
print("sgemm %d: cuBLAS on the device alone %.3f ms" % (n, ms(lambda: Ad @ Bd)))
fig["sgemm_vs_cublas_e2e"] = e2e_v / e2e_c

sx = lib("saxpy")
N = 16777216
X, Y = torch.randn(N), torch.randn(N)
db = ms(lambda: sx.saxpy(N, ctypes.c_float(1.5), P(X.data_ptr()), P(Y.data_ptr())))
try:
    acc = json.load(open(os.path.join(out, "judge_saxpy.json")))[-1]["timing"]["cand"] * 1e3
    print("saxpy: accc %.4f ms, triton do_bench %.4f ms, ratio %.4f" % (acc, db, acc / db))
    fig["accc_vs_do_bench"] = acc / db
except Exception as e:
    print("saxpy: do_bench %.4f ms; no accc timing (%s)" % (db, e))
json.dump(fig, open(os.path.join(out, "figures.json"), "w"), indent=1)
