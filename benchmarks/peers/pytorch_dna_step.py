#!/usr/bin/python3
"""PyTorch CPU peer of a DNA training step (issue 4, acceptance 4), and a dense GPT at the same size.

The DNA model follows docs/method.md section 1, written the way a PyTorch user writes it:
input node (byte embedding + learned absolute positions), N_b dense pre-LN blocks, S routed steps
with one router per step (linear on LayerNorm(h), rho = softmax, top-K of rho + identity bias, the
bias used only for choosing), a pool of transformer and identity modules, update
h <- h + sum_{chosen i} rho_i * (M_i(h) - h), output node (LayerNorm + unembedding). For every
module, the tokens routed there are gathered and run through the module, its attention masked to
the same sequence and causal on original positions ("masked attention per module"; --attention full
runs each module over the whole batch with a key mask instead, the naive variant). One step is
forward + cross-entropy + backward + grad-norm clip + AdamW; tokens/s is B*T*steps / time.

    /usr/bin/python3 pytorch_dna_step.py --threads 2             # DNA and dense, JSON on stdout
    /usr/bin/python3 pytorch_dna_step.py --model dense --steps 5
    /usr/bin/python3 pytorch_dna_step.py --dump /tmp/peer --gelu erf   # weights, batch, gradients, losses for DjlPeerCheck

Defaults: D=128, 4 heads, H=4D, N_b=1, S=6, E=8 transformer + 2 identity, K=2, T=128, B=16, vocab
256; dense = N_b + S = 7 blocks (--dense-layers). Data are random bytes (throughput only).
Legend: B batch, T sequence length, D width, H MLP hidden, E modules, K top-k, S routed steps.
"""
import argparse
import json
import math
import os
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--model", choices=["dna", "dense", "both"], default="both")
    p.add_argument("--d", type=int, default=128)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--backbone", type=int, default=1, help="N_b dense blocks")
    p.add_argument("--steps-routed", type=int, default=6, help="S routed steps")
    p.add_argument("--transformers", type=int, default=8, help="transformer modules in the pool")
    p.add_argument("--identities", type=int, default=2, help="identity modules in the pool")
    p.add_argument("--k", type=int, default=2)
    p.add_argument("--seq", type=int, default=128, help="T")
    p.add_argument("--batch", type=int, default=16, help="B")
    p.add_argument("--dense-layers", type=int, default=None, help="default N_b + S")
    p.add_argument("--attention", choices=["gathered", "full"], default="gathered")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--steps", type=int, default=10, help="measured training steps")
    p.add_argument("--skip-rate", type=float, default=0.3, help="identity target r of the bias controller")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--gelu", choices=["tanh", "erf"], default="tanh",
                   help="erf: the exact GELU, the one DJL fuses (for checking the DJL peer)")
    p.add_argument("--dump", metavar="DIR", help="instead of timing: write the initial weights, the batch, the "
                   "first step's logits and gradients and --steps steps' losses to DIR/<model>/ (DjlPeerCheck)")
    return p.parse_args()


def build(torch, a):
    nn, F = torch.nn, torch.nn.functional
    sdpa = getattr(F, "scaled_dot_product_attention", None)

    class Attention(nn.Module):
        def __init__(self, d, heads):
            super().__init__()
            self.heads, self.qkv, self.proj = heads, nn.Linear(d, 3 * d), nn.Linear(d, d)

        def forward(self, x, mask):
            # x: (..., L, D); mask: bool (L, L) or (..., 1, L, L), True = may attend
            *lead, L, D = x.shape
            dh = D // self.heads
            q, k, v = self.qkv(x).reshape(*lead, L, 3, self.heads, dh).unbind(-3)
            q, k, v = (t.transpose(-3, -2) for t in (q, k, v))        # (..., heads, L, dh)
            if sdpa is not None:
                o = sdpa(q, k, v, attn_mask=mask)
            else:  # torch < 2.0 (Debian bookworm ships 1.13)
                s = (q @ k.transpose(-2, -1)) / math.sqrt(dh)
                o = torch.softmax(s.masked_fill(~mask, float("-inf")), dim=-1) @ v
            return self.proj(o.transpose(-3, -2).reshape(*lead, L, D))

    class Block(nn.Module):
        """Pre-LN transformer block: h + Attn(LN(h)), then + MLP(LN(.)) with GELU (tanh)."""

        def __init__(self, d, heads):
            super().__init__()
            self.ln1, self.attn, self.ln2 = nn.LayerNorm(d), Attention(d, heads), nn.LayerNorm(d)
            self.fc, self.out = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

        def forward(self, x, mask):
            x = x + self.attn(self.ln1(x), mask)
            return x + self.out(F.gelu(self.fc(self.ln2(x)), approximate="tanh" if a.gelu == "tanh" else "none"))

    class Gpt(nn.Module):
        def __init__(self, layers):
            super().__init__()
            self.tok, self.pos = nn.Embedding(256, a.d), nn.Embedding(a.seq, a.d)
            self.blocks = nn.ModuleList(Block(a.d, a.heads) for _ in range(layers))
            self.ln_f, self.head = nn.LayerNorm(a.d), nn.Linear(a.d, 256, bias=False)
            self.register_buffer("causal", torch.ones(a.seq, a.seq, dtype=torch.bool).tril())

        def embed(self, tokens):
            return self.tok(tokens) + self.pos(torch.arange(tokens.shape[1]))

        def forward(self, tokens):
            h = self.embed(tokens)
            for blk in self.blocks:
                h = blk(h, self.causal)
            return self.head(self.ln_f(h))

    class Dna(Gpt):
        def __init__(self):
            super().__init__(a.backbone)
            self.E = a.transformers + a.identities
            self.pool = nn.ModuleList(Block(a.d, a.heads) for _ in range(a.transformers))  # then identities
            self.router_ln = nn.ModuleList(nn.LayerNorm(a.d) for _ in range(a.steps_routed))
            self.routers = nn.ModuleList(nn.Linear(a.d, self.E, bias=False) for _ in range(a.steps_routed))
            for r in self.routers:
                nn.init.normal_(r.weight, std=0.02)
            # identity bias per step (selection only, no gradient), updated by the controller
            self.register_buffer("bias", torch.zeros(a.steps_routed, self.E))
            self.identity_routes = [0] * a.steps_routed
            self.visits = []  # (module, tokens, [segment lengths]) of the last forward, for FLOPs

        def routed_step(self, s, h):
            B, T, D = h.shape
            hf = h.reshape(B * T, D)
            rho = torch.softmax(self.routers[s](self.router_ln[s](hf)), dim=-1)      # (N, E)
            idx = torch.topk(rho.detach() + self.bias[s], a.k, dim=-1).indices        # (N, K)
            w = rho.gather(-1, idx)                                                   # (N, K)
            self.identity_routes[s] = int((idx >= a.transformers).sum())
            delta = torch.zeros_like(hf)
            for e, module in enumerate(self.pool):
                chosen = idx == e                                                     # (N, K)
                if a.attention == "full":
                    we = (w * chosen).sum(-1)                                         # (N,) 0 if not routed
                    routed = chosen.any(-1).reshape(B, 1, 1, T)
                    mask = (self.causal & routed) | torch.eye(T, dtype=torch.bool)   # keys: routed, causal
                    delta = delta + we[:, None] * (module(h, mask).reshape(B * T, D) - hf)
                    self.visits.append((e, B * T, [T] * B))
                    continue
                tokens = chosen.any(-1).nonzero().squeeze(1)                          # ascending
                if tokens.numel() == 0:
                    continue
                we = (w * chosen).sum(-1)[tokens]
                xe = hf.index_select(0, tokens)
                seq = tokens // T
                mask = (seq[:, None] == seq[None, :]) & (tokens[None, :] <= tokens[:, None])
                ye = module(xe, mask)
                delta = delta.index_add(0, tokens, we[:, None] * (ye - xe))
                self.visits.append((e, tokens.numel(), torch.bincount(seq).tolist()))
            return h + delta.reshape(B, T, D)

        def forward(self, tokens):
            self.visits = []
            h = self.embed(tokens)
            for blk in self.blocks:
                h = blk(h, self.causal)
            for s in range(a.steps_routed):
                h = self.routed_step(s, h)
            return self.head(self.ln_f(h))

        @torch.no_grad()
        def update_bias(self, u=1e-3):
            """docs/method.md section 3: b_i += u * sign(target - actual identity routes), per step."""
            target = a.skip_rate * a.batch * a.seq * a.k
            for s, actual in enumerate(self.identity_routes):
                self.bias[s, a.transformers:] += u * math.copysign(1.0, target - actual) if target != actual else 0.0

    return Gpt, Dna


def forward_flops(a, model, dna):
    """Forward FLOPs of the last step, counted from what ran (2 per multiply-add)."""
    D, V = a.d, 256
    block_per_token = 2 * 12 * D * D          # qkv 3D^2, proj D^2, MLP 8D^2

    def attention(lengths):                   # QK^T and PV over causal pairs
        return sum(2 * 2 * D * L * (L + 1) / 2 for L in lengths)

    N = a.batch * a.seq
    flops = 2 * D * V * N                     # unembedding
    layers = a.backbone if dna else model_layers(a)
    flops += layers * (block_per_token * N + attention([a.seq] * a.batch))
    if dna:
        E = a.transformers + a.identities
        flops += a.steps_routed * 2 * D * E * N
        for _, n, lengths in model.visits:
            flops += block_per_token * n + attention(lengths)
    return flops


def model_layers(a):
    return a.dense_layers if a.dense_layers is not None else a.backbone + a.steps_routed


def run(torch, a, which):
    Gpt, Dna = build(torch, a)
    torch.manual_seed(a.seed)
    model = Dna() if which == "dna" else Gpt(model_layers(a))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, betas=(0.9, 0.95), weight_decay=0.1)
    g = torch.Generator().manual_seed(a.seed)
    data = torch.randint(0, 256, (a.batch, a.seq + 1), generator=g)
    x, y = data[:, :-1], data[:, 1:]

    def step():
        logits = model(x)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, 256), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if which == "dna":
            model.update_bias()
        return loss.item()

    for _ in range(a.warmup):
        step()
    # every step timed on its own; compare.sh uses the best (benchmarks/README.md, "Which number the table shows")
    times, flops = [], []
    for _ in range(a.steps):
        start = time.perf_counter()
        loss = step()
        times.append(time.perf_counter() - start)
        flops.append(3 * forward_flops(a, model, which == "dna"))   # forward + backward (2x)
    best = min(range(a.steps), key=lambda i: times[i])
    params = sum(p.numel() for p in model.parameters())
    tokens = a.batch * a.seq
    result = {"model": which, "threads": a.threads, "tokens_per_s": round(tokens / times[best], 1),
              "step_ms": round(1000 * times[best], 3), "model_gflops": round(flops[best] / times[best] / 1e9, 3),
              "step_ms_mean": round(1000 * sum(times) / a.steps, 3), "params": params, "loss": round(loss, 4)}
    if which == "dna":
        result["identity_fraction"] = round(sum(model.identity_routes) / (a.steps_routed * a.batch * a.seq * a.k), 3)
    print(f"  {which:5s} {a.threads}t {result['tokens_per_s']:10.1f} tokens/s  {result['step_ms']:9.1f} ms/step (best of {a.steps}; mean {result['step_ms_mean']:.1f})",
          file=sys.stderr)
    return result


def dump(torch, a, which):
    """The peer's numbers for checking another implementation on the same weights (DjlPeerCheck):
    DIR/<model>/manifest.json (config, parameter names and shapes, batch, per-step loss, gradient norm and
    identity routes) and little-endian float32 files: param.<name>.f32 (before training), grad.<name>.f32
    and logits.f32 (first step, gradients before clipping), final.<name>.f32 (after --steps steps)."""
    Gpt, Dna = build(torch, a)
    torch.manual_seed(a.seed)
    model = Dna() if which == "dna" else Gpt(model_layers(a))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, betas=(0.9, 0.95), weight_decay=0.1)
    g = torch.Generator().manual_seed(a.seed)
    data = torch.randint(0, 256, (a.batch, a.seq + 1), generator=g)
    x, y = data[:, :-1], data[:, 1:]
    out = os.path.join(a.dump, which)
    os.makedirs(out, exist_ok=True)

    def write(name, t):
        t.detach().contiguous().numpy().astype("<f4").tofile(os.path.join(out, name + ".f32"))

    named = list(model.named_parameters())
    for name, p in named:
        write("param." + name, p)
    steps = []
    for i in range(a.steps):
        logits = model(x)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, 256), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if i == 0:
            write("logits", logits.reshape(-1, 256))
            for name, p in named:
                write("grad." + name, p.grad if p.grad is not None else torch.zeros_like(p))
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step = {"loss": loss.item(), "grad_norm": float(norm)}
        if which == "dna":
            step["identity_routes"] = list(model.identity_routes)
            model.update_bias()
        steps.append(step)
    for name, p in named:
        write("final." + name, p)
    manifest = {"model": which, "torch": torch.__version__, "config": vars(a),
                "params": [[name, list(p.shape)] for name, p in named],
                "data": data.tolist(), "steps": steps}
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f)
    print(f"  {which}: {a.steps} steps, losses {[round(s['loss'], 5) for s in steps]} -> {out}", file=sys.stderr)


def main():
    a = parse_args()
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(a.threads)
    import torch  # after the thread variables: OpenBLAS reads them when it loads
    torch.set_num_threads(a.threads)
    models = ["dna", "dense"] if a.model == "both" else [a.model]
    if a.dump:
        for m in models:
            dump(torch, a, m)
        return
    config = {k: v for k, v in vars(a).items()}
    config["dense_layers"] = model_layers(a)
    out = {"meta": {"torch": torch.__version__, "threads": torch.get_num_threads(), "config": config},
           "results": [run(torch, a, m) for m in models]}
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
