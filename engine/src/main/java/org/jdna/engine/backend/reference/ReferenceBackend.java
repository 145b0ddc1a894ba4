package org.jdna.engine.backend.reference;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.BinaryOp;
import org.jdna.engine.backend.HeapBackend;
import org.jdna.engine.backend.HeapPool;
import org.jdna.engine.backend.HeapStorage;
import org.jdna.engine.backend.ReduceOp;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.backend.UnaryOp;

/**
 * The plain scalar reference backend: THE specification of every {@link Backend} primitive.
 * Single-threaded loops over heap arrays, sums and dot products accumulated in double, results
 * rounded once to float. Speed is not a goal; being obviously right is.
 *
 * <p>Memory, layout, elementwise, reductions, GEMM and AdamW live here; the larger families are
 * delegated to {@link ReferenceNorms}, {@link ReferenceAttention} and {@link ReferenceRouting}.
 *
 * <p>Legend: n element count, (outer, len, inner) a reduction view, (m, k) x (k, n) GEMM sizes,
 * ld* leading dimensions (stored row length), stride* batch strides, t the AdamW step (from 1).
 */
public final class ReferenceBackend implements HeapBackend {
    public static final ReferenceBackend INSTANCE = new ReferenceBackend();

    private final HeapPool pool = new HeapPool();

    private ReferenceBackend() {
    }

    @Override
    public HeapPool heapPool() {
        return pool;
    }

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public String description() {
        return "reference (scalar, single-threaded, double accumulation)";
    }

    // ---------------------------------------------------------------- memory

    // allocate, copyIn, copyOut, copy, fill: HeapBackend's defaults

    // ---------------------------------------------------------------- layout

    /**
     * Walks dst in row-major order with a multi-index counter; rank 0 copies one element. When dst
     * is src, the loop reads a copy of it (the SPI's memmove rule: the whole view is read first).
     */
    @Override
    public void copyStrided(Storage dst, Storage src, int srcOff, int[] shape, int[] srcStrides) {
        float[] out = data(dst);
        float[] in = data(src) == out ? out.clone() : data(src);
        int total = product(shape);
        int[] index = new int[shape.length];
        for (int flat = 0; flat < total; flat++) {
            out[flat] = in[srcOff + offsetOf(index, srcStrides)];
            increment(index, shape);
        }
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    public void unary(UnaryOp op, Storage out, Storage x, int n, float alpha) {
        float[] o = data(out);
        float[] in = data(x);
        for (int i = 0; i < n; i++) {
            o[i] = (float) ReferenceElementwise.apply(op, in[i], alpha);
        }
    }

    @Override
    public void unaryBackward(UnaryOp op, Storage dx, Storage dout, Storage x, int n, float alpha) {
        float[] d = data(dx);
        float[] g = data(dout);
        float[] in = data(x);
        for (int i = 0; i < n; i++) {
            d[i] = (float) (g[i] * ReferenceElementwise.derivative(op, in[i], alpha));
        }
    }

    @Override
    public void binary(BinaryOp op, Storage out, int[] shape, Storage a, int[] aStrides, Storage b, int[] bStrides) {
        float[] o = data(out);
        float[] av = data(a);
        float[] bv = data(b);
        int total = product(shape);
        int[] index = new int[shape.length];
        for (int flat = 0; flat < total; flat++) {
            o[flat] = (float) ReferenceElementwise.apply(op, av[offsetOf(index, aStrides)], bv[offsetOf(index, bStrides)]);
            increment(index, shape);
        }
    }

    @Override
    public void where(Storage out, Storage mask, Storage a, Storage b, int n) {
        float[] o = data(out);
        float[] m = data(mask);
        float[] av = data(a);
        float[] bv = data(b);
        for (int i = 0; i < n; i++) {
            o[i] = m[i] != 0f ? av[i] : bv[i];
        }
    }

    @Override
    public void addScaled(Storage y, int yOff, Storage x, int xOff, int n, float alpha) {
        float[] yv = data(y);
        float[] xv = data(x);
        for (int i = 0; i < n; i++) {
            yv[yOff + i] = (float) (yv[yOff + i] + (double) alpha * xv[xOff + i]);
        }
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public void reduce(ReduceOp op, Storage out, Storage x, int outer, int len, int inner) {
        float[] o = data(out);
        float[] in = data(x);
        for (int a = 0; a < outer; a++) {
            for (int c = 0; c < inner; c++) {
                double acc = op == ReduceOp.SUM ? 0.0 : Double.NEGATIVE_INFINITY;
                for (int l = 0; l < len; l++) {
                    float v = in[(a * len + l) * inner + c];
                    acc = op == ReduceOp.SUM ? acc + v : Math.max(acc, v);
                }
                o[a * inner + c] = (float) acc;
            }
        }
    }

    @Override
    public double sumOfSquares(Storage x, int off, int n) {
        float[] in = data(x);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += (double) in[off + i] * in[off + i];
        }
        return sum;
    }

    // ---------------------------------------------------------------- matrix multiply

    /** The triple loop, one double dot product per output element. */
    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     Storage a, int aOff, int lda, int strideA,
                     Storage b, int bOff, int ldb, int strideB,
                     float beta, Storage c, int cOff, int ldc, int strideC, int batch) {
        float[] av = data(a);
        float[] bv = data(b);
        float[] cv = data(c);
        for (int t = 0; t < batch; t++) {
            int aBase = aOff + t * strideA;
            int bBase = bOff + t * strideB;
            int cBase = cOff + t * strideC;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double dot = 0;
                    for (int p = 0; p < k; p++) {
                        float aip = transA ? av[aBase + p * lda + i] : av[aBase + i * lda + p];
                        float bpj = transB ? bv[bBase + j * ldb + p] : bv[bBase + p * ldb + j];
                        dot += (double) aip * bpj;
                    }
                    int at = cBase + i * ldc + j;
                    double result = alpha * dot;
                    if (beta != 0f) {
                        result += (double) beta * cv[at]; // beta == 0: C is not read
                    }
                    cv[at] = (float) result;
                }
            }
        }
    }

    // ---------------------------------------------------------------- softmax and normalization

    @Override
    public void softmax(Storage out, Storage x, int rows, int cols, boolean log) {
        ReferenceNorms.softmax(data(out), data(x), rows, cols, log);
    }

    @Override
    public void softmaxBackward(Storage dx, Storage dout, Storage out, int rows, int cols, boolean log) {
        ReferenceNorms.softmaxBackward(data(dx), data(dout), data(out), rows, cols, log);
    }

    @Override
    public void layerNorm(Storage out, Storage mean, Storage rstd, Storage x, Storage w, Storage b,
                          int rows, int cols, float eps) {
        ReferenceNorms.layerNorm(data(out), data(mean), data(rstd), data(x), dataOrNull(w), dataOrNull(b),
                rows, cols, eps);
    }

    @Override
    public void layerNormBackward(Storage dx, Storage dw, Storage db, Storage dout, Storage x, Storage w,
                                  Storage mean, Storage rstd, int rows, int cols) {
        ReferenceNorms.layerNormBackward(data(dx), dataOrNull(dw), dataOrNull(db), data(dout), data(x),
                dataOrNull(w), data(mean), data(rstd), rows, cols);
    }

    @Override
    public void rmsNorm(Storage out, Storage rstd, Storage x, Storage w, int rows, int cols, float eps) {
        ReferenceNorms.rmsNorm(data(out), data(rstd), data(x), dataOrNull(w), rows, cols, eps);
    }

    @Override
    public void rmsNormBackward(Storage dx, Storage dw, Storage dout, Storage x, Storage w, Storage rstd,
                                int rows, int cols) {
        ReferenceNorms.rmsNormBackward(data(dx), dataOrNull(dw), data(dout), data(x), dataOrNull(w), data(rstd),
                rows, cols);
    }

    // ---------------------------------------------------------------- losses

    @Override
    public void crossEntropy(Storage losses, Storage logits, int[] targets, int rows, int cols, int ignoreIndex) {
        ReferenceNorms.crossEntropy(data(losses), data(logits), targets, rows, cols, ignoreIndex);
    }

    @Override
    public void crossEntropyBackward(Storage dlogits, Storage dlosses, Storage logits, int[] targets,
                                     int rows, int cols, int ignoreIndex) {
        ReferenceNorms.crossEntropyBackward(data(dlogits), data(dlosses), data(logits), targets, rows, cols,
                ignoreIndex);
    }

    // ---------------------------------------------------------------- indexing

    @Override
    public void indexSelectRows(Storage out, Storage src, int[] rows, int count, int width) {
        ReferenceRouting.indexSelectRows(data(out), data(src), src.length(), rows, count, width);
    }

    @Override
    public void indexAddRows(Storage dst, Storage src, int[] rows, int count, int width) {
        ReferenceRouting.indexAddRows(data(dst), dst.length(), data(src), rows, count, width);
    }

    @Override
    public void gather(Storage out, Storage x, int[] idx, int outer, int len, int inner, int idxLen) {
        ReferenceRouting.gather(data(out), data(x), idx, outer, len, inner, idxLen);
    }

    @Override
    public void scatterAdd(Storage dx, Storage dout, int[] idx, int outer, int len, int inner, int idxLen) {
        ReferenceRouting.scatterAdd(data(dx), data(dout), idx, outer, len, inner, idxLen);
    }

    // ---------------------------------------------------------------- attention

    @Override
    public void attention(Storage out, Storage lse, Storage q, Storage k, Storage v, int[] segments, int heads,
                          int headDim, boolean causal, Storage mask, int maskSegmentStride, float scale) {
        ReferenceAttention.forward(data(out), data(lse), data(q), data(k), data(v), segments, heads, headDim,
                causal, dataOrNull(mask), maskSegmentStride, scale);
    }

    @Override
    public void attentionBackward(Storage dq, Storage dk, Storage dv, Storage dout, Storage q, Storage k,
                                  Storage v, Storage out, Storage lse, int[] segments, int heads, int headDim,
                                  boolean causal, Storage mask, int maskSegmentStride, float scale) {
        ReferenceAttention.backward(data(dq), data(dk), data(dv), data(dout), data(q), data(k), data(v),
                data(out), data(lse), segments, heads, headDim, causal, dataOrNull(mask), maskSegmentStride, scale);
    }

    // ---------------------------------------------------------------- optimizer

    /**
     * m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr (m/(1-b1^t) / (sqrt(v/(1-b2^t)) + eps) + wd p),
     * all in double from the stored floats, the decay applied to the old p.
     */
    @Override
    public void adamw(Storage p, Storage m, Storage v, Storage g, int n, float lr, float beta1, float beta2,
                      float eps, float weightDecay, int step) {
        if (step < 1) {
            throw new IllegalArgumentException("adamw: step must be >= 1, got " + step);
        }
        float[] pv = data(p);
        float[] mv = data(m);
        float[] vv = data(v);
        float[] gv = data(g);
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < n; i++) {
            double grad = gv[i];
            double mi = beta1 * (double) mv[i] + (1 - (double) beta1) * grad;
            double vi = beta2 * (double) vv[i] + (1 - (double) beta2) * grad * grad;
            double update = (mi / correction1) / (Math.sqrt(vi / correction2) + eps) + weightDecay * (double) pv[i];
            mv[i] = (float) mi;
            vv[i] = (float) vi;
            pv[i] = (float) (pv[i] - lr * update);
        }
    }

    // ---------------------------------------------------------------- routing

    @Override
    public void topk(int[] indices, Storage weights, Storage probs, Storage logits, float[] bias,
                     int rows, int experts, int k, boolean renormalize) {
        ReferenceRouting.topk(indices, data(weights), data(probs), data(logits), bias, rows, experts, k, renormalize);
    }

    @Override
    public void topkBackward(Storage dlogits, Storage dweights, Storage probs, int[] indices,
                             int rows, int experts, int k, boolean renormalize) {
        ReferenceRouting.topkBackward(data(dlogits), data(dweights), data(probs), indices, rows, experts, k,
                renormalize);
    }

    @Override
    public void combine(Storage out, Storage y, Storage weights, int[] slotRows, int tokens, int k, int width) {
        ReferenceRouting.combine(data(out), data(y), y.length(), data(weights), slotRows, tokens, k, width);
    }

    @Override
    public void combineBackward(Storage dy, Storage dweights, Storage dout, Storage y, Storage weights,
                                int[] slotRows, int tokens, int k, int width) {
        ReferenceRouting.combineBackward(data(dy), data(dweights), data(dout), data(y), y.length(), data(weights),
                slotRows, tokens, k, width);
    }

    // ---------------------------------------------------------------- helpers

    private static float[] data(Storage s) {
        return HeapStorage.of(s);
    }

    private static float[] dataOrNull(Storage s) {
        return s == null ? null : HeapStorage.of(s);
    }

    private static int product(int[] shape) {
        int total = 1;
        for (int d : shape) {
            total *= d;
        }
        return total;
    }

    private static int offsetOf(int[] index, int[] strides) {
        int off = 0;
        for (int j = 0; j < index.length; j++) {
            off += index[j] * strides[j];
        }
        return off;
    }

    /** Advances a row-major multi-index by one (the last axis fastest). */
    private static void increment(int[] index, int[] shape) {
        for (int j = index.length - 1; j >= 0; j--) {
            if (++index[j] < shape[j]) {
                return;
            }
            index[j] = 0;
        }
    }
}
