package org.jdna.bench.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The DNA model of {@code peers/pytorch_dna_step.py} (and its dense GPT baseline) in PyTorch 2.7.1
 * through DJL's NDArray API, op for op: input node (byte embedding + learned positions), N_b dense
 * pre-LN blocks, S routed steps (router = linear on LayerNorm(h), rho = softmax, top-K of rho + the
 * identity bias, the bias used only for choosing), a pool of transformer modules and identities,
 * h <- h + sum_{chosen i} rho_i * (M_i(h) - h), output node (LayerNorm + unembedding). Each
 * transformer module runs on the tokens routed to it, its attention masked to the same sequence and
 * causal on original positions (the peer's default "gathered" attention).
 *
 * <p>Parameters carry the peer's {@code named_parameters()} names and layouts (a Linear's weight is
 * (out, in)), so the peer's weights load one to one ({@link #load}) and its gradients compare name by
 * name ({@code DjlPeerCheck}).
 *
 * <p>The DJL spellings where Python has no DJL twin: the routed update gathers each token's K rows
 * back through the inverse of the sort by module (DJL has no {@code index_add}: see {@link DjlRouting}),
 * attention is spelled out (no scaled_dot_product_attention in DJL) as the peer does on torch 1.13,
 * and GELU is DJL's fused erf GELU in the benchmarks ({@link Gelu}).
 *
 * <p>Legend: B batch, T sequence length, N = B*T, D width, E modules, K top-k, S routed steps, V = 256.
 */
final class DjlDnaModel {
    static final int VOCAB = 256;

    /** pytorch_dna_step.py's arguments; {@link #acceptance} is its default (issue 4's shape). */
    record Config(int d, int heads, int backbone, int routedSteps, int transformers, int identities, int k, int seq,
                  int batch, int denseLayers, double skipRate) {
        static Config acceptance() {
            return new Config(128, 4, 1, 6, 8, 2, 2, 128, 16, 7, 0.3);
        }

        int experts() {
            return transformers + identities;
        }
    }

    /** One module call of the last forward: module, tokens, tokens per sequence (for the FLOP count). */
    record Visit(int module, long tokens, long[] perSequence) {
    }

    final Config c;
    final boolean dna;
    final Gelu gelu;
    final NDManager manager;
    /** name -> parameter, in the peer's named_parameters() order. */
    final Map<String, NDArray> params = new LinkedHashMap<>();
    /** The identity bias (S, E): selection only, no gradient; updated by {@link #updateBias}. */
    final float[][] bias;
    final long[] identityRoutes;
    final List<Visit> visits = new ArrayList<>();
    private final NDArray causalBias;

    /** PyTorch's default initialisation (what the peer gets from nn.Linear, nn.Embedding, nn.LayerNorm), seeded. */
    DjlDnaModel(Config c, boolean dna, Gelu gelu, NDManager manager, long seed) {
        this.c = c;
        this.dna = dna;
        this.gelu = gelu;
        this.manager = manager;
        ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed((int) seed);
        int d = c.d();
        param("tok.weight", manager.randomNormal(new Shape(VOCAB, d)));
        param("pos.weight", manager.randomNormal(new Shape(c.seq(), d)));
        int layers = dna ? c.backbone() : c.denseLayers();
        for (int i = 0; i < layers; i++) {
            block("blocks." + i);
        }
        param("ln_f.weight", manager.ones(new Shape(d)));
        param("ln_f.bias", manager.zeros(new Shape(d)));
        linear("head", VOCAB, d, false);
        if (dna) {
            for (int e = 0; e < c.transformers(); e++) {
                block("pool." + e);
            }
            for (int s = 0; s < c.routedSteps(); s++) {
                param("router_ln." + s + ".weight", manager.ones(new Shape(d)));
                param("router_ln." + s + ".bias", manager.zeros(new Shape(d)));
            }
            for (int s = 0; s < c.routedSteps(); s++) {
                param("routers." + s + ".weight", manager.randomNormal(0, 0.02f, new Shape(c.experts(), d), DataType.FLOAT32));
            }
        }
        bias = new float[c.routedSteps()][c.experts()];
        identityRoutes = new long[c.routedSteps()];
        // (T, T): 0 where t may attend to u (u <= t), -inf elsewhere
        NDArray t = manager.arange(c.seq());
        causalBias = additiveMask(t.expandDims(0).lte(t.expandDims(1)));
        for (NDArray p : params.values()) {
            p.setRequiresGradient(true);
        }
    }

    /**
     * What a forward reads: the parameters and the constant masks. A step attaches them to its scope
     * ({@link CallScope}) so that everything the forward makes lands there.
     */
    List<NDArray> arrays() {
        List<NDArray> all = new ArrayList<>(params.values());
        all.add(causalBias);
        return all;
    }

    /** Overwrites every parameter with the peer's (name -> row-major floats), shapes checked. */
    void load(Map<String, float[]> values) {
        for (Map.Entry<String, NDArray> p : params.entrySet()) {
            float[] v = values.get(p.getKey());
            if (v == null || v.length != p.getValue().size()) {
                throw new IllegalArgumentException("parameter " + p.getKey() + ": the peer has "
                        + (v == null ? "none" : v.length + " values") + ", the model " + p.getValue().getShape());
            }
            p.getValue().set(v);
        }
        if (values.size() != params.size()) {
            throw new IllegalArgumentException("the peer has " + values.size() + " parameters, the model " + params.size());
        }
    }

    /** logits (B*T, V) of tokens (B, T); records the visits and identity routes of the routed steps. */
    NDArray forward(NDArray tokens) {
        visits.clear();
        long b = tokens.getShape().get(0), t = tokens.getShape().get(1);
        NDArray h = DjlRouting.gatherRows(p("tok.weight"), tokens).add(p("pos.weight").get(new NDIndex("0:{}", t)));
        int layers = dna ? c.backbone() : c.denseLayers();
        if (t != c.seq()) {
            throw new IllegalArgumentException("tokens (B, T) with T = " + t + ", the model's T is " + c.seq());
        }
        for (int i = 0; i < layers; i++) {
            h = block("blocks." + i, h, causalBias);
        }
        if (dna) {
            for (int s = 0; s < c.routedSteps(); s++) {
                h = routedStep(s, h, b, t);
            }
        }
        NDArray logits = Linear.linear(layerNorm("ln_f", h), p("head.weight")).singletonOrThrow();
        return logits.reshape(b * t, VOCAB);
    }

    private NDArray routedStep(int s, NDArray h, long b, long t) {
        int d = c.d(), kk = c.k(), e = c.experts();
        long n = b * t;
        NDArray hf = h.reshape(n, d);
        NDArray rho = Linear.linear(layerNorm("router_ln." + s, hf), p("routers." + s + ".weight"))
                .singletonOrThrow().softmax(-1);                                              // (N, E)
        NDArray choice = rho.stopGradient().add(hf.getManager().create(bias[s]));
        NDArray idx = choice.topK(kk, -1).get(1);                                             // (N, K)
        NDArray w = rho.gather(idx, -1);                                                       // (N, K)
        identityRoutes[s] = idx.gte(c.transformers()).countNonzero().getLong();
        // dispatch: the (token, slot) pairs sorted by module, stably, so tokens ascend within a module
        DjlRouting.Plan plan = DjlRouting.plan(idx, kk, e);
        NDArray pairToken = plan.tokens();
        long[] counts = plan.counts();
        long[] tokensHost = pairToken.toLongArray();
        NDList rows = new NDList();
        long start = 0;
        for (int m = 0; m < e; m++) {
            long cnt = counts[m];
            if (cnt == 0) {
                continue;
            }
            if (m >= c.transformers()) {
                rows.add(hf.getManager().zeros(new Shape(cnt, d))); // identity: M(h) - h = 0
            } else {
                NDArray tokens = pairToken.get(new NDIndex("{}:{}", start, start + cnt));
                NDArray xe = DjlRouting.gatherRows(hf, tokens);                             // (cnt, D)
                NDArray seq = tokens.div(t).floor();
                NDArray mask = seq.expandDims(1).eq(seq.expandDims(0))
                        .logicalAnd(tokens.expandDims(0).lte(tokens.expandDims(1)));
                NDArray ye = block("pool." + m, xe.expandDims(0), additiveMask(mask)).squeeze(0);
                rows.add(ye.sub(xe));
                long[] perSequence = new long[(int) b];
                for (long i = start; i < start + cnt; i++) {
                    perSequence[(int) (tokensHost[(int) i] / t)]++;
                }
                visits.add(new Visit(m, cnt, perSequence));
            }
            start += cnt;
        }
        // combine: each token's K rows, gathered back through the inverse of the sort, weighted by rho
        NDArray moduleDelta = NDArrays.concat(rows);                                          // (N*K, D)
        NDArray delta = DjlRouting.gatherRows(moduleDelta, plan.inverse()).reshape(n, kk, d)
                .mul(w.expandDims(2)).sum(new int[] {1});
        return h.add(delta.reshape(b, t, d));
    }

    /** Pre-LN block on x (B, L, D) with an additive mask (L, L): x + attn(ln1(x)), then + MLP(ln2(.)). */
    private NDArray block(String name, NDArray x, NDArray maskBias) {
        NDArray a = attention(name + ".attn", layerNorm(name + ".ln1", x), maskBias);
        NDArray h = x.add(a);
        NDArray up = Linear.linear(layerNorm(name + ".ln2", h), p(name + ".fc.weight"), p(name + ".fc.bias")).singletonOrThrow();
        NDArray act = gelu.apply(up);
        return h.add(Linear.linear(act, p(name + ".out.weight"), p(name + ".out.bias")).singletonOrThrow());
    }

    /** Multi-head attention spelled out: softmax(q k^T / sqrt(dh) + mask) v, then the projection. */
    private NDArray attention(String name, NDArray x, NDArray maskBias) {
        Shape shape = x.getShape();
        long b = shape.get(0), l = shape.get(1);
        int d = c.d(), heads = c.heads(), dh = d / heads;
        NDArray qkv = Linear.linear(x, p(name + ".qkv.weight"), p(name + ".qkv.bias")).singletonOrThrow()
                .reshape(b, l, 3, heads, dh);
        NDArray q = qkv.get(new NDIndex(":, :, 0")).transpose(0, 2, 1, 3);               // (B, heads, L, dh)
        NDArray k = qkv.get(new NDIndex(":, :, 1")).transpose(0, 2, 3, 1);               // (B, heads, dh, L)
        NDArray v = qkv.get(new NDIndex(":, :, 2")).transpose(0, 2, 1, 3);
        NDArray probs = q.matMul(k).div(Torch.scalar(q, (float) Math.sqrt(dh))).add(maskBias).softmax(-1);
        NDArray o = probs.matMul(v).transpose(0, 2, 1, 3).reshape(b, l, d);
        return Linear.linear(o, p(name + ".proj.weight"), p(name + ".proj.bias")).singletonOrThrow();
    }

    /**
     * 0 where {@code mask} is true, -inf elsewhere: log of the mask as floats (DJL's where does not
     * broadcast scalars; Python writes masked_fill(~mask, -inf), the same scores after the add).
     */
    static NDArray additiveMask(NDArray mask) {
        return mask.toType(DataType.FLOAT32, false).log();
    }

    private NDArray layerNorm(String name, NDArray x) {
        return LayerNorm.layerNorm(x, new Shape(c.d()), p(name + ".weight"), p(name + ".bias"), 1e-5f).singletonOrThrow();
    }

    /** The peer's update_bias: b_i += u * sign(target - actual identity routes) for the identities, per step (u = 1e-3). */
    void updateBias() {
        double target = c.skipRate() * c.batch() * c.seq() * c.k();
        for (int s = 0; s < c.routedSteps(); s++) {
            if (target != identityRoutes[s]) {
                for (int m = c.transformers(); m < c.experts(); m++) {
                    bias[s][m] += (float) (1e-3 * Math.signum(target - identityRoutes[s]));
                }
            }
        }
    }

    /** Forward FLOPs of the last forward, counted from what ran (the peer's forward_flops). */
    double forwardFlops() {
        int d = c.d();
        long n = (long) c.batch() * c.seq();
        double perToken = 2.0 * 12 * d * d; // qkv 3D^2, proj D^2, MLP 8D^2
        double flops = 2.0 * d * VOCAB * n;
        long[] full = new long[c.batch()];
        java.util.Arrays.fill(full, c.seq());
        flops += (dna ? c.backbone() : c.denseLayers()) * (perToken * n + attention(full));
        if (dna) {
            flops += c.routedSteps() * 2.0 * d * c.experts() * n;
            for (Visit v : visits) {
                flops += perToken * v.tokens() + attention(v.perSequence());
            }
        }
        return flops;
    }

    private double attention(long[] lengths) {
        double f = 0;
        for (long len : lengths) {
            f += 2 * 2.0 * c.d() * len * (len + 1) / 2;
        }
        return f;
    }

    NDArray p(String name) {
        NDArray a = params.get(name);
        if (a == null) {
            throw new IllegalStateException("no parameter " + name);
        }
        return a;
    }

    private void param(String name, NDArray value) {
        value.setName(name);
        params.put(name, value);
    }

    private void linear(String name, int out, int in, boolean withBias) {
        float bound = (float) (1 / Math.sqrt(in)); // nn.Linear: kaiming_uniform(a = sqrt 5) and its bias
        param(name + ".weight", manager.randomUniform(-bound, bound, new Shape(out, in)));
        if (withBias) {
            param(name + ".bias", manager.randomUniform(-bound, bound, new Shape(out)));
        }
    }

    private void block(String name) {
        int d = c.d();
        param(name + ".ln1.weight", manager.ones(new Shape(d)));
        param(name + ".ln1.bias", manager.zeros(new Shape(d)));
        linear(name + ".attn.qkv", 3 * d, d, true);
        linear(name + ".attn.proj", d, d, true);
        param(name + ".ln2.weight", manager.ones(new Shape(d)));
        param(name + ".ln2.bias", manager.zeros(new Shape(d)));
        linear(name + ".fc", 4 * d, d, true);
        linear(name + ".out", d, 4 * d, true);
    }
}
