package org.jdna.bench.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.jdna.bench.HostData;
import org.jdna.bench.RoutingShape;

/**
 * One routed MLP layer in PyTorch 2.7.1 through DJL's NDArray API, written the way
 * {@code peers/pytorch_routing.py} writes it in Python (softmax + topK, a stable argsort and a row
 * gather, a loop of matmuls over modules, a weighted sum back to tokens), on the same data as
 * jdna's {@code RoutingProblem} (HostData seeds 1 to 8, same scales): same routing, same outputs.
 *
 * <p>Where DJL has no counterpart of a Python call, the nearest DJL spelling is used and said:
 * rows are gathered with {@link Embedding#embedding} (libtorch's index_select); DJL has neither
 * {@code index_add} nor {@code scatter_add}, so combine gathers each (token, slot)'s row through the
 * inverse of the dispatch order (what jdna's plan calls slotRows) and sums the K slots; GELU is
 * DJL's fused erf GELU in the benchmarks, the tanh form in the check against jdna ({@link Gelu}).
 *
 * <p>Legend: N = B*T tokens, D width, H = 4D hidden, E modules, K top-k. x, dout (N, D); wr (D, E);
 * w1 (E, D, H); w2 (E, H, D); q, k, v (N*K, D).
 */
final class DjlRouting {
    /** The dispatch plan: pairs sorted by module, each pair's token, each pair's row, rows per module. */
    record Plan(NDArray order, NDArray tokens, NDArray inverse, long[] counts) {
        long offset(int module) {
            long offset = 0;
            for (int e = 0; e < module; e++) {
                offset += counts[e];
            }
            return offset;
        }
    }

    final RoutingShape shape;
    final Gelu gelu;
    final NDManager manager;
    final NDArray x, wr, w1, w2, dout, q, k, v;
    // a routing made once (route()), so each kernel can be timed alone, like RoutingProblem.route()
    NDArray logits, weights, indices, xd, y;
    Plan plan;

    DjlRouting(RoutingShape s, Gelu gelu, NDManager manager) {
        this.shape = s;
        this.gelu = gelu;
        this.manager = manager;
        int n = s.tokens(), d = s.d(), e = s.experts(), h = s.hidden(), rows = s.dispatchRows();
        x = Torch.floats(manager, HostData.gaussian(n * d, 1, 1f), n, d);
        wr = Torch.floats(manager, HostData.gaussian(d * e, 2, (float) (1 / Math.sqrt(d))), d, e);
        w1 = Torch.floats(manager, HostData.gaussian(e * d * h, 3, (float) (1 / Math.sqrt(d))), e, d, h);
        w2 = Torch.floats(manager, HostData.gaussian(e * h * d, 4, (float) (1 / Math.sqrt(h))), e, h, d);
        dout = Torch.floats(manager, HostData.gaussian(n * d, 5, 1f), n, d);
        q = Torch.floats(manager, HostData.gaussian(rows * d, 6, 1f), rows, d);
        k = Torch.floats(manager, HostData.gaussian(rows * d, 7, 1f), rows, d);
        v = Torch.floats(manager, HostData.gaussian(rows * d, 8, 1f), rows, d);
    }

    /** Runs the forward once and keeps its routing (results stay on this layer's manager). */
    DjlRouting route() {
        logits = x.matMul(wr);
        NDList top = topk(logits);
        weights = top.get(0);
        indices = top.get(1);
        plan = dispatch(indices);
        xd = gatherRows(x, plan.tokens());
        y = groupedMlp(xd, plan.counts(), w1, w2);
        return this;
    }

    // ------------------------------------------------------------------ the kernels, user style

    /** (weights, indices) (N, K): the top-K of softmax(logits) over E. */
    NDList topk(NDArray routerLogits) {
        return routerLogits.softmax(-1).topK(shape.k(), -1);
    }

    /** The dispatch plan of this layer's shape ({@link #plan}). */
    Plan dispatch(NDArray topIndices) {
        return plan(topIndices, shape.k(), shape.experts());
    }

    /**
     * The (token, slot) pairs of indices (N, K) sorted by module, stably (tokens ascend within a
     * module, as Python's {@code sort(stable=True)}: DJL's argSort has no stable flag, so the key is
     * module * N*K + pair, unique), each pair's token (pair / K), the inverse permutation, and the rows
     * per module read back to the host (the loop over modules needs them, as Python's
     * {@code bincount(...).tolist()}).
     */
    static Plan plan(NDArray topIndices, int k, int experts) {
        NDArray flat = topIndices.reshape(-1);
        long pairs = flat.size();
        NDArray order = flat.mul(pairs).add(flat.getManager().arange(0, pairs, 1, DataType.INT64)).argSort(0, true);
        // int64 / int64 is a float division in libtorch; the pairs are < 2^24, so the cast floors exactly
        NDArray tokens = order.div(k).toType(DataType.INT64, false);
        long[] counts = flat.oneHot(experts, DataType.INT64).sum(new int[] {0}).toLongArray();
        return new Plan(order, tokens, order.argSort(0, true), counts);
    }

    /** Rows of {@code src} (R, D) at {@code rows} (M): libtorch's index_select, differentiable. */
    static NDArray gatherRows(NDArray src, NDArray rows) {
        return Embedding.embedding(rows, src, SparseFormat.DENSE).singletonOrThrow();
    }

    /** Per module e, on its contiguous rows: gelu(xd_e @ w1[e]) @ w2[e]. */
    NDArray groupedMlp(NDArray dispatched, long[] counts, NDArray up, NDArray down) {
        NDList outs = new NDList();
        long start = 0;
        for (int e = 0; e < counts.length; e++) {
            long c = counts[e];
            if (c == 0) {
                continue;
            }
            NDArray rows = dispatched.get(new NDIndex("{}:{}", start, start + c));
            outs.add(gelu.apply(rows.matMul(up.get(e))).matMul(down.get(e)));
            start += c;
        }
        return NDArrays.concat(outs);
    }

    /** out (N, D) = sum over slots j of weights[t, j] * y[row of (t, j)] (no index_add in DJL: a gather). */
    NDArray combine(NDArray moduleOut, NDArray topWeights, Plan p) {
        int n = shape.tokens(), kk = shape.k(), d = shape.d();
        return gatherRows(moduleOut, p.inverse()).reshape(n, kk, d).mul(topWeights.expandDims(2)).sum(new int[] {1});
    }

    /** Per module: causal attention among its rows, within each sequence ((heads, c, c) scores spelled out). */
    NDArray routedAttention(Plan p) {
        int heads = shape.heads(), dh = shape.headDim(), d = shape.d();
        NDArray seq = p.tokens().div(shape.seqLen()).floor();
        NDList outs = new NDList();
        long start = 0;
        for (long c : p.counts()) {
            if (c == 0) {
                continue;
            }
            NDIndex rows = new NDIndex("{}:{}", start, start + c);
            start += c;
            NDArray tok = p.tokens().get(rows), s = seq.get(rows);
            // may attend: same sequence and not later (tokens are ascending within a module)
            NDArray mask = s.expandDims(1).eq(s.expandDims(0)).logicalAnd(tok.expandDims(0).lte(tok.expandDims(1)));
            NDArray bias = DjlDnaModel.additiveMask(mask);
            NDArray qe = q.get(rows).reshape(c, heads, dh).transpose(1, 0, 2);
            NDArray ke = k.get(rows).reshape(c, heads, dh).transpose(1, 2, 0);
            NDArray ve = v.get(rows).reshape(c, heads, dh).transpose(1, 0, 2);
            NDArray probs = qe.matMul(ke).div(Torch.scalar(qe, (float) Math.sqrt(dh))).add(bias).softmax(-1);
            outs.add(probs.matMul(ve).transpose(1, 0, 2).reshape(c, d));
        }
        return NDArrays.concat(outs);
    }

    /**
     * Forward and backward of the whole layer from dout; returns dx. The weights must be attached to
     * the caller's scope, with gradients on ({@link #trainable}). DJL's GradientCollector only seeds
     * backward with ones, so the seed dout goes through libtorch's backward(out, dout), public in
     * {@link JniUtils}, as Python's {@code out.backward(dout)}.
     */
    NDArray layerFwdBwd(ai.djl.engine.Engine engine) {
        for (NDArray p : List.of(x, wr, w1, w2)) {
            JniUtils.zeroGrad((PtNDArray) p); // Python: p.grad = None
        }
        try (GradientCollector collector = engine.newGradientCollector()) {
            NDList top = topk(x.matMul(wr));
            Plan p = dispatch(top.get(1));
            NDArray out = combine(groupedMlp(gatherRows(x, p.tokens()), p.counts(), w1, w2), top.get(0), p);
            JniUtils.backward((PtNDArray) out, (PtNDArray) dout, false, false);
        }
        return x.getGradient();
    }

    /** Turns gradients on for the layer's inputs and weights (once, before {@link #layerFwdBwd}). */
    void trainable() {
        for (NDArray p : List.of(x, wr, w1, w2)) {
            p.setRequiresGradient(true);
        }
    }

    /** The arrays a kernel call reads: attached to its scope while it runs. */
    List<NDArray> inputs() {
        List<NDArray> all = new ArrayList<>(List.of(x, wr, w1, w2, dout, q, k, v, logits, weights, indices, xd, y));
        all.addAll(List.of(plan.order(), plan.tokens(), plan.inverse()));
        return all;
    }

    // ------------------------------------------------------------------ work per call (RoutingProblem's formulas)

    double topkBytes() {
        return 4.0 * (2L * shape.tokens() * shape.experts() + 2L * shape.dispatchRows());
    }

    double dispatchBytes() {
        return 4.0 * (2L * shape.dispatchRows() * shape.d() + 4L * shape.dispatchRows());
    }

    double combineBytes() {
        return 4.0 * ((long) shape.dispatchRows() * shape.d() + (long) shape.tokens() * shape.d() + 2L * shape.dispatchRows());
    }

    double groupedMlpFlops() {
        return 4.0 * shape.dispatchRows() * shape.d() * shape.hidden();
    }

    double forwardBackwardFlops() {
        return 3 * (2.0 * shape.tokens() * shape.d() * shape.experts() + groupedMlpFlops());
    }

    /** Causal pairs within each (module, sequence) segment of the routing, 2*2*D FLOPs each. */
    double attentionFlops() {
        long[] tokens = plan.tokens().toLongArray();
        double pairs = 0;
        int start = 0;
        for (long c : plan.counts()) {
            long[] perSequence = new long[shape.batch()];
            for (int i = start; i < start + c; i++) {
                perSequence[(int) (tokens[i] / shape.seqLen())]++;
            }
            for (long len : perSequence) {
                pairs += len * (len + 1) / 2.0;
            }
            start += (int) c;
        }
        return pairs * 2 * 2 * shape.d();
    }
}
