package org.jdna.simd;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.BinaryOp;
import org.jdna.engine.backend.HeapBackend;
import org.jdna.engine.backend.HeapPool;
import org.jdna.engine.backend.HeapStorage;
import org.jdna.engine.backend.ReduceOp;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.backend.UnaryOp;
import org.jdna.engine.backend.reference.ReferenceBackend;

/**
 * The Vector API backend: heap storage like the reference, hot primitives as vector kernels split
 * over a small fixed thread pool. The species is fixed per JVM ({@link SimdConfig}); the thread
 * count per instance.
 *
 * <p>This class only routes: each primitive family lives in its own kernel class
 * ({@link SimdGemm}, {@link SimdElementwise}, {@link SimdReductions}, {@link SimdNorms}, {@link SimdRouting}, {@link SimdDispatch},
 * {@link SimdAttention}, {@link SimdOptimizer}). Primitives that are not hot (strided copies,
 * gather/scatter along an axis) run the reference's scalar loops on the same heap arrays.
 *
 * <p>Every split is over independent outputs and every sum has a fixed order, so results do not
 * depend on the thread count.
 */
public final class SimdBackend implements HeapBackend, AutoCloseable {
    private static final Backend SCALAR = ReferenceBackend.INSTANCE;

    private final Parallel parallel;
    private final SimdGemm gemm;
    private final SimdElementwise elementwise;
    private final SimdReductions reductions;
    private final SimdNorms norms;
    private final SimdRouting routing;
    private final SimdDispatch dispatch;
    private final SimdAttention attention;
    private final SimdOptimizer optimizer;
    private final HeapPool pool = new HeapPool();

    /** The JVM's species and the given number of threads. */
    public SimdBackend(int threads) {
        this.parallel = new Parallel(threads);
        this.gemm = new SimdGemm(parallel);
        this.elementwise = new SimdElementwise(parallel);
        this.reductions = new SimdReductions(parallel);
        this.norms = new SimdNorms(parallel);
        this.routing = new SimdRouting(parallel);
        this.dispatch = new SimdDispatch(parallel);
        this.attention = new SimdAttention(parallel, gemm);
        this.optimizer = new SimdOptimizer(parallel);
    }

    /**
     * For tools that name a width: {@code speciesBits} must be the JVM's species width
     * ({@code -Djdna.simd.bits}), since the species is a start-up constant.
     */
    public SimdBackend(int speciesBits, int threads) {
        this(checkedThreads(speciesBits, threads));
    }

    private static int checkedThreads(int speciesBits, int threads) {
        SimdConfig.requireBits(speciesBits);
        return threads;
    }

    @Override
    public String name() {
        return "simd";
    }

    @Override
    public String description() {
        int threads = parallel.threads();
        return "simd (Vector API " + SimdConfig.describe() + ", " + threads + (threads == 1 ? " thread)" : " threads)");
    }

    public int threads() {
        return parallel.threads();
    }

    /** The tasks share the pool's threads, one task per thread at a time (see {@link Parallel#forEachTask}). */
    @Override
    public void forEachTask(int n, java.util.function.IntConsumer task) {
        parallel.forEachTask(n, task);
    }

    /** Stops the worker threads (they are daemons, so this is optional). */
    @Override
    public void close() {
        parallel.close();
    }

    // ---------------------------------------------------------------- memory

    // allocate, copyIn, copyOut, fill: HeapBackend's defaults, over this backend's pool

    @Override
    public HeapPool heapPool() {
        return pool;
    }

    /** Floats per piece of a parallel copy (1 MiB): below two pieces one arraycopy is as fast. */
    private static final int COPY_GRAIN = 1 << 18;

    /**
     * Large copies go in contiguous pieces over the pool: two cores copy faster than one
     * (benchmarks/results/design-measurements.md). Overlapping ranges of one array stay a single
     * arraycopy, which has memmove semantics.
     */
    @Override
    public void copy(Storage dst, int dstOff, Storage src, int srcOff, int len) {
        float[] d = data(dst);
        float[] s = data(src);
        if (len < 0 || srcOff < 0 || dstOff < 0 || srcOff > src.length() - len || dstOff > dst.length() - len) {
            throw new IndexOutOfBoundsException("copy: " + len + " floats from offset " + srcOff + " of "
                    + src.length() + " to offset " + dstOff + " of " + dst.length());
        }
        boolean overlapping = d == s && srcOff < dstOff + len && dstOff < srcOff + len;
        if (overlapping || parallel.chunks(len, COPY_GRAIN) <= 1) {
            System.arraycopy(s, srcOff, d, dstOff, len);
            return;
        }
        parallel.forRange(len, COPY_GRAIN, (from, to) -> System.arraycopy(s, srcOff + from, d, dstOff + from, to - from));
    }

    // ---------------------------------------------------------------- layout

    @Override
    public void copyStrided(Storage dst, Storage src, int srcOff, int[] shape, int[] srcStrides) {
        elementwise.copyStrided(data(dst), data(src), srcOff, shape, srcStrides);
    }

    // ---------------------------------------------------------------- elementwise

    @Override
    public void unary(UnaryOp op, Storage out, Storage x, int n, float alpha) {
        elementwise.unary(op, data(out), data(x), n, alpha);
    }

    @Override
    public void unaryBackward(UnaryOp op, Storage dx, Storage dout, Storage x, int n, float alpha) {
        elementwise.unaryBackward(op, data(dx), data(dout), data(x), n, alpha);
    }

    @Override
    public void binary(BinaryOp op, Storage out, int[] shape, Storage a, int[] aStrides, Storage b, int[] bStrides) {
        elementwise.binary(op, data(out), shape, data(a), aStrides, data(b), bStrides);
    }

    @Override
    public void where(Storage out, Storage mask, Storage a, Storage b, int n) {
        elementwise.where(data(out), data(mask), data(a), data(b), n);
    }

    @Override
    public void addScaled(Storage y, int yOff, Storage x, int xOff, int n, float alpha) {
        elementwise.addScaled(data(y), yOff, data(x), xOff, n, alpha);
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public void reduce(ReduceOp op, Storage out, Storage x, int outer, int len, int inner) {
        reductions.reduce(op, data(out), data(x), outer, len, inner);
    }

    @Override
    public double sumOfSquares(Storage x, int off, int n) {
        return reductions.sumOfSquares(data(x), off, n);
    }

    // ---------------------------------------------------------------- matrix multiply

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     Storage a, int aOff, int lda, int strideA,
                     Storage b, int bOff, int ldb, int strideB,
                     float beta, Storage c, int cOff, int ldc, int strideC, int batch) {
        gemm.gemm(transA, transB, m, n, k, alpha, data(a), aOff, lda, strideA, data(b), bOff, ldb, strideB,
                beta, data(c), cOff, ldc, strideC, batch);
    }

    // ---------------------------------------------------------------- softmax and normalization

    @Override
    public void softmax(Storage out, Storage x, int rows, int cols, boolean log) {
        norms.softmax(data(out), data(x), rows, cols, log);
    }

    @Override
    public void softmaxBackward(Storage dx, Storage dout, Storage out, int rows, int cols, boolean log) {
        norms.softmaxBackward(data(dx), data(dout), data(out), rows, cols, log);
    }

    @Override
    public void layerNorm(Storage out, Storage mean, Storage rstd, Storage x, Storage w, Storage b,
                          int rows, int cols, float eps) {
        norms.layerNorm(data(out), data(mean), data(rstd), data(x), dataOrNull(w), dataOrNull(b), rows, cols, eps);
    }

    @Override
    public void layerNormBackward(Storage dx, Storage dw, Storage db, Storage dout, Storage x, Storage w,
                                  Storage mean, Storage rstd, int rows, int cols) {
        norms.layerNormBackward(data(dx), dataOrNull(dw), dataOrNull(db), data(dout), data(x), dataOrNull(w),
                data(mean), data(rstd), rows, cols);
    }

    @Override
    public void rmsNorm(Storage out, Storage rstd, Storage x, Storage w, int rows, int cols, float eps) {
        norms.rmsNorm(data(out), data(rstd), data(x), dataOrNull(w), rows, cols, eps);
    }

    @Override
    public void rmsNormBackward(Storage dx, Storage dw, Storage dout, Storage x, Storage w, Storage rstd,
                                int rows, int cols) {
        norms.rmsNormBackward(data(dx), dataOrNull(dw), data(dout), data(x), dataOrNull(w), data(rstd), rows, cols);
    }

    // ---------------------------------------------------------------- losses

    @Override
    public void crossEntropy(Storage losses, Storage logits, int[] targets, int rows, int cols, int ignoreIndex) {
        norms.crossEntropy(data(losses), data(logits), targets, rows, cols, ignoreIndex);
    }

    @Override
    public void crossEntropyBackward(Storage dlogits, Storage dlosses, Storage logits, int[] targets,
                                     int rows, int cols, int ignoreIndex) {
        norms.crossEntropyBackward(data(dlogits), data(dlosses), data(logits), targets, rows, cols, ignoreIndex);
    }

    // ---------------------------------------------------------------- indexing

    @Override
    public void indexSelectRows(Storage out, Storage src, int[] rows, int count, int width) {
        routing.indexSelectRows(data(out), data(src), src.length(), rows, count, width);
    }

    @Override
    public int dispatch(Storage out, int[] counts, int[] offsets, int[] tokenOfRow, int[] slotRow, Storage src,
                        int[] choices, boolean[] skipped, int tokens, int k, int experts, int width) {
        return dispatch.dispatch(data(out), out.length(), counts, offsets, tokenOfRow, slotRow, data(src), src.length(),
                choices, skipped, tokens, k, experts, width);
    }

    @Override
    public void indexAddRows(Storage dst, Storage src, int[] rows, int count, int width) {
        routing.indexAddRows(data(dst), dst.length(), data(src), rows, count, width);
    }

    /** Not hot (the engine's gather along an axis): the reference loop. */
    @Override
    public void gather(Storage out, Storage x, int[] idx, int outer, int len, int inner, int idxLen) {
        SCALAR.gather(out, x, idx, outer, len, inner, idxLen);
    }

    /** Not hot: the reference loop (its order is the specified one). */
    @Override
    public void scatterAdd(Storage dx, Storage dout, int[] idx, int outer, int len, int inner, int idxLen) {
        SCALAR.scatterAdd(dx, dout, idx, outer, len, inner, idxLen);
    }

    // ---------------------------------------------------------------- attention

    @Override
    public void attention(Storage out, Storage lse, Storage q, Storage k, Storage v, int[] segments, int heads,
                          int headDim, boolean causal, Storage mask, int maskSegmentStride, float scale) {
        attention.forward(data(out), data(lse), data(q), data(k), data(v), segments, heads, headDim, causal,
                dataOrNull(mask), maskSegmentStride, scale);
    }

    @Override
    public void attentionBackward(Storage dq, Storage dk, Storage dv, Storage dout, Storage q, Storage k,
                                  Storage v, Storage out, Storage lse, int[] segments, int heads, int headDim,
                                  boolean causal, Storage mask, int maskSegmentStride, float scale) {
        attention.backward(data(dq), data(dk), data(dv), data(dout), data(q), data(k), data(v), data(out),
                data(lse), segments, heads, headDim, causal, dataOrNull(mask), maskSegmentStride, scale);
    }

    /** Reads q | k | v in place from qkv's strided rows (no copies). */
    @Override
    public void attentionPacked(Storage out, Storage lse, Storage qkv, int[] segments, int heads, int headDim,
                                boolean causal, Storage mask, int maskSegmentStride, float scale) {
        attention.forwardPacked(data(out), data(lse), data(qkv), segments, heads, headDim, causal, dataOrNull(mask),
                maskSegmentStride, scale);
    }

    /** Writes dq | dk | dv straight into dqkv's strided rows. */
    @Override
    public void attentionPackedBackward(Storage dqkv, Storage dout, Storage qkv, Storage out, Storage lse,
                                        int[] segments, int heads, int headDim, boolean causal,
                                        Storage mask, int maskSegmentStride, float scale) {
        attention.backwardPacked(data(dqkv), data(dout), data(qkv), data(out), data(lse), segments, heads, headDim,
                causal, dataOrNull(mask), maskSegmentStride, scale);
    }

    // ---------------------------------------------------------------- optimizer

    @Override
    public void adamw(Storage p, Storage m, Storage v, Storage g, int n, float lr, float beta1, float beta2,
                      float eps, float weightDecay, int step) {
        optimizer.adamw(data(p), data(m), data(v), data(g), n, lr, beta1, beta2, eps, weightDecay, step);
    }

    // ---------------------------------------------------------------- routing

    @Override
    public void topk(int[] indices, Storage weights, Storage probs, Storage logits, float[] bias,
                     int rows, int experts, int k, boolean renormalize) {
        routing.topk(indices, data(weights), data(probs), data(logits), bias, rows, experts, k, renormalize);
    }

    @Override
    public void topkBackward(Storage dlogits, Storage dweights, Storage probs, int[] indices,
                             int rows, int experts, int k, boolean renormalize) {
        routing.topkBackward(data(dlogits), data(dweights), data(probs), indices, rows, experts, k, renormalize);
    }

    @Override
    public void combine(Storage out, Storage y, Storage weights, int[] slotRows, int tokens, int k, int width) {
        routing.combine(data(out), data(y), y.length(), data(weights), slotRows, tokens, k, width);
    }

    @Override
    public void combineBackward(Storage dy, Storage dweights, Storage dout, Storage y, Storage weights,
                                int[] slotRows, int tokens, int k, int width) {
        routing.combineBackward(data(dy), data(dweights), data(dout), data(y), y.length(), data(weights), slotRows,
                tokens, k, width);
    }

    // ---------------------------------------------------------------- helpers

    private static float[] data(Storage s) {
        return HeapStorage.of(s);
    }

    private static float[] dataOrNull(Storage s) {
        return s == null ? null : HeapStorage.of(s);
    }
}
