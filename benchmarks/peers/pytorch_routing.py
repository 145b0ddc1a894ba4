#!/usr/bin/python3
"""The routing kernels written the way a PyTorch user writes them, timed on the CPU.

Peer of the JMH benchmarks (RoutingBench, GemmBench, MemoryBench): same shapes, same thread count,
same byte and FLOP formulas, so `compare.sh` can print one side-by-side table. Prints JSON:
{"meta": {...}, "results": [{"kernel", "shape", "threads", "ms", "gflops"|"gbps"}, ...]}.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 pytorch_routing.py --threads 1

The thread variables are also set here before torch is imported, so --threads alone is enough.
Legend: N = B*T tokens, D width, H = 4D hidden, E modules, K top-k.
"""
import argparse
import json
import math
import os
import sys
import time

SHAPES = {
    # name: (B, T, D, E, K, H, heads) -- RoutingShape.java
    "d256": (16, 256, 256, 16, 2, 1024, 4),
    "d512": (16, 256, 512, 16, 2, 2048, 8),
    "tiny": (2, 16, 32, 4, 2, 128, 2),
}
GEMM_SHAPES = ["4096x256@256x1024", "4096x1024@1024x256", "1024x1024@1024x1024"]
TINY_GEMM_SHAPES = ["64x32@32x48"]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--shapes", default="d256,d512", help="comma list of " + ",".join(SHAPES))
    p.add_argument("--gemm-shapes", default=",".join(GEMM_SHAPES))
    p.add_argument("--kernels", default="all",
                   help="comma list of topk,dispatch,groupedMlp,combine,routedAttention,layerFwdBwd,sgemm,copy")
    p.add_argument("--seconds", type=float, default=1.0, help="measured time per kernel (after warmup)")
    p.add_argument("--windows", type=int, default=5, help="measurement windows per kernel (the best is reported)")
    p.add_argument("--tiny", action="store_true", help="tiny shapes, for testing the script")
    return p.parse_args()


def timed(fn, seconds, windows=5):
    """(best, mean) ms per call: after a warmup of about a quarter of `seconds`, `windows` windows of
    seconds / windows each (at least one call per window). Why the best: benchmarks/README.md,
    "Which number the table shows"."""
    warm_end = time.perf_counter() + seconds / 4
    fn()
    while time.perf_counter() < warm_end:
        fn()
    windows = max(1, windows)
    best, total_calls, total_time = float("inf"), 0, 0.0
    for _ in range(windows):
        calls, start = 0, time.perf_counter()
        while True:
            fn()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds / windows:
                break
        best = min(best, 1000.0 * elapsed / calls)
        total_calls, total_time = total_calls + calls, total_time + elapsed
    return best, 1000.0 * total_time / total_calls


def blas_library():
    """Which BLAS shared library this process loaded (OpenBLAS or the slow reference one)."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
        return sorted(os.path.realpath(l) for l in libs)
    except OSError:
        return []


class Routing:
    """One routed MLP layer's data at a shape, routed once (random x, router N(0, 1/D))."""

    def __init__(self, torch, shape):
        self.t = torch
        B, T, D, E, K, H, heads = SHAPES[shape]
        self.B, self.T, self.D, self.E, self.K, self.H, self.heads = B, T, D, E, K, H, heads
        self.N = B * T
        g = torch.Generator().manual_seed(1)
        self.x = torch.randn(self.N, D, generator=g)
        self.wr = torch.randn(D, E, generator=g) / math.sqrt(D)
        self.w1 = torch.randn(E, D, H, generator=g) / math.sqrt(D)
        self.w2 = torch.randn(E, H, D, generator=g) / math.sqrt(H)
        self.dout = torch.randn(self.N, D, generator=g)
        self.logits = self.x @ self.wr
        self.weights, self.idx = self.topk(self.logits)
        self.order, self.counts, self.xd = self.dispatch(self.x, self.idx)
        self.y = self.grouped_mlp(self.xd, self.counts)
        rows = self.N * K
        self.q, self.k, self.v = (torch.randn(rows, D, generator=g) for _ in range(3))

    # ------------------------------------------------------------------ the kernels, user style
    def topk(self, logits):
        probs = self.t.softmax(logits, dim=-1)
        return self.t.topk(probs, self.K, dim=-1)

    def dispatch(self, x, idx):
        flat = idx.reshape(-1)
        order = self.t.sort(flat, stable=True).indices          # (token, slot) pairs by module
        counts = self.t.bincount(flat, minlength=self.E).tolist()
        return order, counts, x.index_select(0, order // self.K)

    def grouped_mlp(self, xd, counts, w1=None, w2=None):
        F = self.t.nn.functional
        w1 = self.w1 if w1 is None else w1
        w2 = self.w2 if w2 is None else w2
        ys, start = [], 0
        for e, c in enumerate(counts):
            h = F.gelu(xd[start:start + c] @ w1[e], approximate="tanh")
            ys.append(h @ w2[e])
            start += c
        return self.t.cat(ys)

    def combine(self, y, weights, order):
        w = weights.reshape(-1)[order]
        out = self.t.zeros(self.N, self.D, dtype=y.dtype)
        return out.index_add_(0, order // self.K, y * w[:, None])

    def routed_attention(self):
        """Per module: attention among its gathered tokens, masked to same sequence and causal."""
        F = self.t.nn.functional
        sdpa = getattr(F, "scaled_dot_product_attention", None)
        token = self.order // self.K
        seq, pos = token // self.T, token % self.T
        dh = self.D // self.heads
        outs, start = [], 0
        for c in self.counts:
            sl = slice(start, start + c)
            start += c
            q, k, v = (a[sl].reshape(c, self.heads, dh).transpose(0, 1) for a in (self.q, self.k, self.v))
            mask = (seq[sl, None] == seq[None, sl]) & (pos[None, sl] <= pos[sl, None])
            if sdpa is not None:
                o = sdpa(q, k, v, attn_mask=mask)
            else:  # torch < 2.0 (Debian bookworm ships 1.13): the same thing spelled out
                s = (q @ k.transpose(-2, -1)) / math.sqrt(dh)
                o = self.t.softmax(s.masked_fill(~mask, float("-inf")), dim=-1) @ v
            outs.append(o.transpose(0, 1).reshape(c, self.D))
        return self.t.cat(outs)

    def layer_fwd_bwd(self, params):
        x, wr, w1, w2 = params
        for p in params:
            p.grad = None
        weights, idx = self.topk(x @ wr)
        order, counts, xd = self.dispatch(x, idx)
        y = self.grouped_mlp(xd, counts, w1, w2)
        out = self.combine(y, weights, order)
        out.backward(self.dout)
        return x.grad

    # ------------------------------------------------------------------ work per call (as in Java)
    def topk_bytes(self):
        return 4.0 * (2 * self.N * self.E + 2 * self.N * self.K)

    def dispatch_bytes(self):
        return 4.0 * (2 * self.N * self.K * self.D + 4 * self.N * self.K)

    def combine_bytes(self):
        return 4.0 * (self.N * self.K * self.D + self.N * self.D + 2 * self.N * self.K)

    def mlp_flops(self):
        return 4.0 * self.N * self.K * self.D * self.H

    def layer_flops(self):
        return 3 * (2.0 * self.N * self.D * self.E + self.mlp_flops())

    def attention_flops(self):
        token = (self.order // self.K).tolist()
        pairs, start = 0.0, 0
        for c in self.counts:
            seqs = {}
            for t in token[start:start + c]:
                seqs[t // self.T] = seqs.get(t // self.T, 0) + 1
            pairs += sum(n * (n + 1) / 2 for n in seqs.values())
            start += c
        return pairs * 2 * 2 * self.D


def main():
    args = parse_args()
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    import torch  # after the thread variables: OpenBLAS reads them when it loads
    torch.set_num_threads(args.threads)
    torch.set_grad_enabled(False)

    shapes = ["tiny"] if args.tiny else [s for s in args.shapes.split(",") if s]
    gemm_shapes = TINY_GEMM_SHAPES if args.tiny else [s for s in args.gemm_shapes.split(",") if s]
    wanted = None if args.kernels == "all" else set(args.kernels.split(","))
    results = []

    def record(kernel, shape, times, gflop=None, gbyte=None):
        ms, mean = times
        r = {"kernel": kernel, "shape": shape, "threads": args.threads, "ms": round(ms, 6), "ms_mean": round(mean, 6)}
        if gflop is not None:
            r["gflops"] = round(gflop / (ms / 1000) / 1e9, 3)
        if gbyte is not None:
            r["gbps"] = round(gbyte / (ms / 1000) / 1e9, 3)
        results.append(r)
        print(f"  {kernel:16s} {shape:22s} {args.threads}t {ms:10.3f} ms (mean {mean:.3f})", file=sys.stderr)

    def want(kernel):
        return wanted is None or kernel in wanted

    for shape in shapes:
        r = Routing(torch, shape)
        if want("topk"):
            record("topk", shape, timed(lambda: r.topk(r.logits), args.seconds, args.windows), gbyte=r.topk_bytes())
        if want("dispatch"):
            record("dispatch", shape, timed(lambda: r.dispatch(r.x, r.idx), args.seconds, args.windows), gbyte=r.dispatch_bytes())
        if want("groupedMlp"):
            record("groupedMlp", shape, timed(lambda: r.grouped_mlp(r.xd, r.counts), args.seconds, args.windows),
                   gflop=r.mlp_flops())
        if want("combine"):
            record("combine", shape, timed(lambda: r.combine(r.y, r.weights, r.order), args.seconds, args.windows),
                   gbyte=r.combine_bytes())
        if want("routedAttention"):
            record("routedAttention", shape, timed(r.routed_attention, args.seconds, args.windows), gflop=r.attention_flops())
        if want("layerFwdBwd"):
            params = [p.clone().requires_grad_(True) for p in (r.x, r.wr, r.w1, r.w2)]
            with torch.enable_grad():
                record("layerFwdBwd", shape, timed(lambda: r.layer_fwd_bwd(params), args.seconds, args.windows),
                       gflop=r.layer_flops())
        if want("copy"):
            n = r.N * r.K * r.D
            src, dst = torch.randn(n), torch.empty(n)
            record("copy", shape, timed(lambda: dst.copy_(src), args.seconds, args.windows), gbyte=2.0 * n * 4)
        del r

    if want("sgemm"):
        for gs in gemm_shapes:
            m, k, k2, n = (int(v) for v in gs.replace("@", "x").split("x"))
            assert k == k2, f"gemm shape must be MxK@KxN, got {gs}"
            a, b, c = torch.randn(m, k), torch.randn(k, n), torch.empty(m, n)
            record("sgemm", gs, timed(lambda: torch.mm(a, b, out=c), args.seconds, args.windows), gflop=2.0 * m * n * k)

    meta = {"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_library(),
            "sdpa": hasattr(torch.nn.functional, "scaled_dot_product_attention")}
    json.dump({"meta": meta, "results": results}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
