#!/usr/bin/python3
"""Joins the JMH JSON (jdna, and PyTorch 2.7.1 through DJL when compare.sh ran benchmarks-pytorch.jar)
and the Python peer's JSON (Debian's PyTorch 1.13) into one markdown table (compare.sh).

Columns: kernel, shape, threads, jdna ms, PyTorch 2.7.1 ms, PyTorch 1.13 ms, the speedups
(PyTorch ms / jdna ms, > 1: jdna is faster), the rate of each side (GB/s for memory-bound kernels,
GFLOP/s for GEMM-bound ones), the ceiling at the same thread count (SGEMM GFLOP/s: the faster of
OpenBLAS through 1.13 and libtorch 2.7.1's GEMM, best of the GEMM shapes, or for sgemm the same
shape; memory copy GB/s: the fastest plain copy of the same bytes at that thread count, jdna's or
PyTorch's) and the issue-3 target with its verdict (speed targets against each PyTorch that ran).
"""
import argparse
import datetime
import json
import os
import platform
import subprocess

JMH_NAMES = {  # JMH benchmark method -> kernel name shared with the peer
    "RoutingBench.topk": "topk", "RoutingBench.dispatch": "dispatch", "RoutingBench.groupedMlp": "groupedMlp",
    "RoutingBench.combine": "combine", "RoutingBench.routedAttention": "routedAttention",
    "RoutingBench.layerFwdBwd": "layerFwdBwd", "GemmBench.sgemm": "sgemm",
    "MemoryBench.backendCopy": "copy", "MemoryBench.arraycopy": "copy (arraycopy)",
}
# PyTorch 2.7.1 through DJL, in the same JMH run (benchmarks/src/pytorch): class prefix "PyTorch"
TORCH27_PREFIX = "PyTorch"
ORDER = ["sgemm", "copy", "copy (arraycopy)", "topk", "dispatch", "combine", "groupedMlp",
         "routedAttention", "layerFwdBwd"]
MEMORY_BOUND = {"topk", "dispatch", "combine", "copy", "copy (arraycopy)"}
# issue 3's targets: (what is compared, factor)
TARGETS = {
    "sgemm": ("ceiling", 0.9), "groupedMlp": ("ceiling", 0.85), "dispatch": ("ceiling", 0.6),
    "combine": ("ceiling", 0.6), "topk": ("speedup", 10.0), "layerFwdBwd": ("speedup", 2.0),
}


def to_ms(score, unit):
    """ms per call from a JMH primary score: ops/s, ops/ms (throughput) or s/op, ms/op, us/op."""
    per, _, base = unit.partition("/")
    seconds = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9, "min": 60.0}
    if per == "ops":
        return 1000.0 * seconds[base] / score if score > 0 else float("nan")
    return 1000.0 * seconds[per] * score


def best_iteration(run):
    """(primary score, {secondary: score}) of the best measurement iteration of a JMH run (highest
    throughput, or lowest time per op), secondaries taken from that same iteration; the PyTorch peers
    report their best window the same way (benchmarks/README.md, "Which number the table shows")."""
    pm = run["primaryMetric"]
    raw = [(f, i, v) for f, fork in enumerate(pm.get("rawData") or []) for i, v in enumerate(fork)]
    if not raw:
        return pm["score"], {k: v.get("score") for k, v in run.get("secondaryMetrics", {}).items()}
    higher_is_better = pm["scoreUnit"].startswith("ops/")
    f, i, score = (max if higher_is_better else min)(raw, key=lambda r: r[2])
    secondary = {}
    for name, metric in run.get("secondaryMetrics", {}).items():
        data = metric.get("rawData") or []
        secondary[name] = data[f][i] if f < len(data) and i < len(data[f]) else metric.get("score")
    return score, secondary


def load_jmh(path):
    """(jdna rows, PyTorch 2.7.1 rows, JVM note): (kernel, shape, threads) -> {ms, rate}."""
    rows, torch27 = {}, {}
    if not path or not os.path.exists(path):
        return rows, torch27, None
    with open(path) as f:
        runs = json.load(f)
    for run in runs:
        cls, method = run["benchmark"].split(".")[-2:]
        side = torch27 if cls.startswith(TORCH27_PREFIX) else rows
        kernel = JMH_NAMES.get(cls[len(TORCH27_PREFIX):] + "." + method if side is torch27 else cls + "." + method)
        if kernel is None:
            continue
        p = run.get("params", {})
        score, sec = best_iteration(run)
        ms = to_ms(score, run["primaryMetric"]["scoreUnit"])
        rate = sec.get("gbyte" if kernel in MEMORY_BOUND else "gflop")
        if run.get("mode") != "thrpt":
            rate = None  # JMH prints aux counters inverted (time per unit) outside throughput mode
        side[(kernel, p.get("shape", p.get("dims")), int(p.get("threads", 1)))] = {"ms": ms, "rate": rate}
    jdk = runs[0].get("jdkVersion") if runs else None
    backend = "simd"
    for arg in (runs[0].get("jvmArgs", []) if runs else []):
        if arg.startswith("-Djdna.bench.backend="):
            backend = arg.split("=", 1)[1]
    return rows, torch27, f"JDK {jdk}, backend {backend}"


def load_torch(paths):
    """Kernel rows of peers/pytorch_routing.py, and training-step rows of peers/pytorch_dna_step.py."""
    rows, meta, steps = {}, {}, {}
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        for r in data["results"]:
            if "tokens_per_s" in r:
                steps[(r["model"], int(r["threads"]))] = {"tokens": r["tokens_per_s"], "ms": r["step_ms"],
                                                          "gflops": r["model_gflops"]}
            else:
                meta = data.get("meta", meta)
                rows[(r["kernel"], r["shape"], int(r["threads"]))] = {"ms": r["ms"], "rate": r.get("gbps", r.get("gflops"))}
    return rows, meta, steps


def load_jmh_train(path):
    """TrainStepBench rows and PyTorchTrainStepBench rows: (model, threads) -> tokens/s, ms per step, model GFLOP/s."""
    rows, torch27 = {}, {}
    if not path or not os.path.exists(path):
        return rows, torch27
    with open(path) as f:
        runs = json.load(f)
    for run in runs:
        if not run["benchmark"].endswith("TrainStepBench.trainStep"):
            continue
        side = torch27 if run["benchmark"].endswith("." + TORCH27_PREFIX + "TrainStepBench.trainStep") else rows
        p = run.get("params", {})
        score, sec = best_iteration(run)
        side[(p["model"], int(p["threads"]))] = {
            "ms": to_ms(score, run["primaryMetric"]["scoreUnit"]),
            "tokens": sec.get("tokens"), "gflops": sec.get("gflop")}
    return rows, torch27


# issue 4, acceptance 4: training tokens/s on 2 threads vs the PyTorch CPU step
TRAIN_TARGETS = {"dna": 5.0, "dense": 1.5}


def train_table(jdna_steps, t27_steps, torch_steps, jdna, t27, torch, v27):
    """The training-step table: tokens/s side by side (PyTorch 2.7.1 first), speedups, model GFLOP/s and FLOP utilisation."""
    p27 = f"PyTorch {v27}"
    head = ["model", "threads", "jdna tokens/s", f"{p27} tokens/s", "PyTorch 1.13 tokens/s", f"speedup vs {v27}",
            "speedup vs 1.13", "jdna model GFLOP/s", f"{p27} model GFLOP/s", "PyTorch 1.13 model GFLOP/s",
            "SGEMM GFLOP/s (libtorch 2.7.1 / OpenBLAS / jdna)", "MFU jdna", f"MFU {p27}", "MFU PyTorch 1.13",
            "target (issue 4, 2 threads)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key in sorted(set(jdna_steps) | set(t27_steps) | set(torch_steps), key=lambda k: (k[0] != "dna", k[1])):
        model, threads = key
        j, n, t = jdna_steps.get(key), t27_steps.get(key), torch_steps.get(key)
        speed27, speed13 = tokens_ratio(j, n), tokens_ratio(j, t)
        rate27, blas_rate, own_rate = (best_rate(side, "sgemm", threads) for side in (t27, torch, jdna))
        # the machine's SGEMM rate: the fastest of libtorch 2.7.1, OpenBLAS and jdna's own (where jdna's GEMM
        # beats a BLAS, dividing by the slower rate would overstate every MFU; an example is in
        # results/design-measurements.md)
        rates = [r for r in (rate27, blas_rate, own_rate) if r]
        machine = max(rates) if rates else None
        mfu = [side["gflops"] / machine if side and side.get("gflops") and machine else None for side in (j, n, t)]
        target = TRAIN_TARGETS.get(model)
        verdict = speedup_verdict(target, [(v27, speed27), ("1.13", speed13)]) if threads == 2 and target else ""
        lines.append("| " + " | ".join([
            model, str(threads), fmt(j and j.get("tokens")), fmt(n and n.get("tokens")), fmt(t and t.get("tokens")),
            f"{speed27:.2f}x" if speed27 else "-", f"{speed13:.2f}x" if speed13 else "-",
            fmt(j and j.get("gflops")), fmt(n and n.get("gflops")), fmt(t and t.get("gflops")),
            f"{fmt(rate27)} / {fmt(blas_rate)} / {fmt(own_rate)}"] + [f"{m:.2f}" if m else "-" for m in mfu] + [verdict]) + " |")
    notes = [
        "One step = forward, cross-entropy, backward, clip, AdamW (and the identity-bias controller for DNA) at "
        "D=128, 4 heads, N_b=1, S=6, E=8 transformer + 2 identity, K=2, T=128, B=16 (dense: 7 blocks); "
        f"jdna: TrainStepBench (presets dna-top2, dense); {p27}: PyTorchTrainStepBench (DJL, same JMH run); "
        "PyTorch 1.13: peers/pytorch_dna_step.py.",
        "speedup = jdna tokens/s / PyTorch tokens/s. Model GFLOP/s = 3 x forward FLOPs counted from what ran "
        "(matmuls and attention) / step time. MFU = model GFLOP/s / the best SGEMM GFLOP/s measured in this "
        "run at the same thread count (the fastest of libtorch 2.7.1, OpenBLAS and jdna's GemmBench).",
    ]
    return "\n".join("- " + n for n in notes) + "\n\n" + "\n".join(lines) + "\n"


def tokens_ratio(j, t):
    return j["tokens"] / t["tokens"] if j and t and j.get("tokens") and t.get("tokens") else None


def best_rate(side, kernel, threads):
    rates = [v["rate"] for (k, _, th), v in side.items() if k == kernel and th == threads and v.get("rate")]
    return max(rates) if rates else None


def ceiling(kernel, shape, threads, jdna, t27, torch):
    """(value, label) of the ceiling this kernel is judged against."""
    if kernel in MEMORY_BOUND:
        # the fastest plain copy of these bytes at this thread count, on either side
        copies = [jdna.get((c, shape, threads), {}).get("rate") for c in ("copy", "copy (arraycopy)")]
        copies += [torch.get(("copy", shape, threads), {}).get("rate")]
        copies = [c for c in copies if c]
        return (max(copies), "copy GB/s") if copies else (None, "copy GB/s")
    if kernel == "sgemm":
        same = [(side.get(("sgemm", shape, threads), {}).get("rate"), name)
                for side, name in ((t27, "libtorch 2.7.1"), (torch, "OpenBLAS"))]
        same = [r for r in same if r[0]]
        return (max(same)[0], f"{max(same)[1]} GFLOP/s") if same else (None, "BLAS GFLOP/s")
    best = [(best_rate(side, "sgemm", threads), name) for side, name in ((t27, "libtorch 2.7.1"), (torch, "OpenBLAS"))]
    best = [r for r in best if r[0]]
    return (max(best)[0], f"{max(best)[1]} GFLOP/s (best shape)") if best else (None, "BLAS GFLOP/s")


def fmt(v, digits=3):
    if v is None:
        return "-"
    if v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.{digits}f}"


def speedup_verdict(factor, speedups):
    """'>= 10x: vs 2.7.1 met (12.3x); vs 1.13 met (14.1x)' over the (label, speedup) pairs that ran."""
    parts = [f"vs {label} {'met' if s >= factor else 'missed'} ({s:.2f}x)" for label, s in speedups if s]
    return f">= {factor:g}x: " + ("; ".join(parts) if parts else "n/a")


def verdict(kernel, j, speedups, ceil):
    target = TARGETS.get(kernel)
    if target is None or j is None:
        return ""
    what, factor = target
    if what == "speedup":
        return speedup_verdict(factor, speedups)
    if ceil is None or j.get("rate") is None:
        return f">= {factor:g}x ceiling: n/a"
    frac = j["rate"] / ceil
    return f">= {factor:g}x ceiling: {'met' if frac >= factor else 'missed'} ({frac:.2f}x)"


def machine(vector):
    """The CPU model (lscpu), its family and widest vectors, and the vector species jdna chose."""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        model = next((l.split(":", 1)[1].strip() for l in out.splitlines() if l.startswith("Model name")), "")
    except OSError:
        model = platform.processor()
    return f"{model}{cpu_generation()}, {os.cpu_count()} CPUs; jdna's vector species: {vector or 'not reported'}"


def cpu_generation():
    """' (family 26 model 2, AVX-512)': a VM's model name is often only 'AMD EPYC', and the widest
    vectors decide the kernels jdna runs (the Vector API's preferred species)."""
    try:
        with open("/proc/cpuinfo") as f:
            info = f.read()
    except OSError:
        return ""
    first = info.split("\n\n")[0]
    fields = dict((k.strip(), v.strip()) for k, _, v in (l.partition(":") for l in first.splitlines()))
    flags = fields.get("flags", "").split()
    width = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "no AVX2"
    return f" (family {fields.get('cpu family', '?')} model {fields.get('model', '?')}, {width})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jmh")
    ap.add_argument("--jmh-train")
    ap.add_argument("--load", default="")
    ap.add_argument("--mode", default="quick")
    ap.add_argument("--torch-missing", default="")
    ap.add_argument("--torch27-version", default="2.7.1", help="libtorch of the DJL benchmarks (pom.xml's libtorch.version)")
    ap.add_argument("--torch27-missing", default="", help="why the PyTorch 2.7.1 column is empty")
    ap.add_argument("--vector", default="", help="jdna's backend and vector species (org.jdna.bench.BenchInfo)")
    ap.add_argument("--out")
    ap.add_argument("torch", nargs="*")
    a = ap.parse_args()
    jdna, t27, jvm = load_jmh(a.jmh)
    torch, meta, torch_steps = load_torch(a.torch)
    jdna_steps, t27_steps = load_jmh_train(a.jmh_train)
    v27 = a.torch27_version
    p27 = f"PyTorch {v27}"

    keys = sorted(set(jdna) | set(t27) | set(torch),
                  key=lambda k: (ORDER.index(k[0]) if k[0] in ORDER else 99, k[1], k[2]))
    head = ["kernel", "shape", "threads", "jdna ms", f"{p27} ms", "PyTorch 1.13 ms", f"speedup vs {v27}",
            "speedup vs 1.13", "jdna rate", f"{p27} rate", "PyTorch 1.13 rate", "ceiling", "jdna / ceiling",
            "target (issue 3)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key in keys:
        kernel, shape, threads = key
        j, n, t = jdna.get(key), t27.get(key), torch.get(key)
        speed27 = n["ms"] / j["ms"] if j and n else None
        speed13 = t["ms"] / j["ms"] if j and t else None
        unit = "GB/s" if kernel in MEMORY_BOUND else "GFLOP/s"
        ceil, label = ceiling(kernel, shape, threads, jdna, t27, torch)
        frac = j["rate"] / ceil if j and j.get("rate") and ceil else None
        lines.append("| " + " | ".join([
            kernel, shape, str(threads), fmt(j and j["ms"]), fmt(n and n["ms"]), fmt(t and t["ms"]),
            f"{speed27:.2f}x" if speed27 else "-", f"{speed13:.2f}x" if speed13 else "-"]
            + [f"{fmt(side['rate'])} {unit}" if side else "-" for side in (j, n, t)] + [
            f"{fmt(ceil)} {label}" if ceil else "-", f"{frac:.2f}" if frac else "-",
            verdict(kernel, j, [(v27, speed27), ("1.13", speed13)], ceil)]) + " |")

    notes = [
        f"Mode: {a.mode}. Machine: {machine(a.vector)}. Date: {datetime.date.today()}."
        + (f" Load average (1, 5, 15 min) before -> after: {a.load}." if a.load else ""),
        f"jdna: JMH ({jvm})."
        if jdna else "jdna column missing: no JMH results (run without --no-jmh).",
        (f"{p27}: libtorch {v27} CPU (Maven Central's ai.djl.pytorch:pytorch-native-cpu) through DJL's NDArray API, "
         "the PyTorch* benchmarks of the same JMH run (benchmarks/src/pytorch; exact GELU, DJL's only fused one).")
        if t27 or t27_steps else f"{p27} column missing: {a.torch27_missing or 'no PyTorch* benchmarks in the JMH results'}.",
        (f"PyTorch 1.13: {meta.get('torch')} (Debian python3-torch), BLAS: "
         f"{', '.join(os.path.basename(b) for b in meta.get('blas', [])) or '?'}; "
         f"scaled_dot_product_attention: {'yes' if meta.get('sdpa') else 'no (torch < 2.0: spelled out)'}.")
        if torch else f"PyTorch 1.13 column missing: {a.torch_missing or 'no PyTorch results'}.",
        "speedup = PyTorch ms / jdna ms (> 1: jdna faster). Rates count bytes read + written, or 2 FLOPs "
        "per multiply-add; the same formulas on every side. Ceilings are measured at the same thread count.",
        "Times are the best measurement window on every side (JMH: the best iteration; the Python peer: the best of "
        "its windows, or of its steps for the training step): this shared VM runs at half speed for about "
        "0.2 s at a time (measured), which the best window is immune to; means are in the JSON files.",
    ]
    text = "# jdna vs PyTorch CPU: routing kernels\n\n" + "\n".join("- " + n for n in notes) + "\n\n" + "\n".join(lines) + "\n"
    if jdna_steps or t27_steps or torch_steps:
        text += "\n## Training step (issue 4, acceptance 4)\n\n" + train_table(jdna_steps, t27_steps, torch_steps,
                                                                              jdna, t27, torch, v27)
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
