package org.jdna.engine.backend;

import org.jdna.engine.memory.MemoryStats;

/**
 * The backend SPI: primitives over {@link Storage}. A backend knows nothing about tensors, shapes
 * beyond the sizes passed in, or gradients; the autograd tape and the gradient rules live in the
 * engine and call these primitives (docs/architecture.md, rules 1 and 2).
 *
 * <p>Conventions, shared by every method:
 * <ul>
 *   <li>All storages are row-major float32, all sizes and offsets are in elements.</li>
 *   <li>Outputs first, then buffers saved for backward, then inputs and weights, then sizes
 *       (llm.c's order). Gradients are prefixed {@code d}.</li>
 *   <li>Outputs are <b>overwritten</b>, never accumulated, unless the method says "adds".</li>
 *   <li>Integer index arrays ({@code int[]}) live on the host: routing decisions are small (N*K
 *       ints) and are needed on the host for statistics anyway. Device backends upload them.</li>
 *   <li>Results must not depend on the thread count: reductions and scatter-adds are
 *       deterministic (same bits every run).</li>
 *   <li>Argument checking of shapes and indices is the engine's job; backends may assume valid
 *       sizes but must still reject out-of-range indices with {@link IndexOutOfBoundsException}
 *       naming the primitive and the value.</li>
 * </ul>
 * The scalar {@code ReferenceBackend} is the specification: its loops define every result, and
 * every other backend is tested against it by the contract suite with named tolerances.
 *
 * <p>Legend: N rows (tokens), C / D columns (width), E experts/modules, K top-k, H heads, Dh head dim.
 */
public interface Backend {

    /** Short name: "reference", "simd", "cuda". */
    String name();

    /** Human-readable details (species width, threads, device name) for logs and reports. */
    default String description() {
        return name();
    }

    // ---------------------------------------------------------------- memory (tinygrad's six)

    /** A new zero-filled storage of {@code length} floats. */
    Storage allocate(int length);

    /** dst[dstOff .. dstOff+len) = src[srcOff .. srcOff+len) (host to backend). */
    void copyIn(Storage dst, int dstOff, float[] src, int srcOff, int len);

    /** dst[dstOff .. dstOff+len) = src[srcOff .. srcOff+len) (backend to host; synchronizes). */
    void copyOut(Storage src, int srcOff, float[] dst, int dstOff, int len);

    /**
     * dst[dstOff + i] = src[srcOff + i] for i in [0, len) (within the backend); overlapping ranges
     * of one storage copy as if through a temporary (memmove). A range outside either storage
     * throws IndexOutOfBoundsException before anything is written.
     */
    void copy(Storage dst, int dstOff, Storage src, int srcOff, int len);

    /** dst[off + i] = value for i in [0, len). */
    void fill(Storage dst, int off, int len, float value);

    /**
     * This backend's memory pool now: bytes in use, cached and the peak in use (see
     * {@link org.jdna.engine.memory.MemoryScope}). A backend without a pool reports
     * {@link MemoryStats#NONE}.
     */
    default MemoryStats memoryStats() {
        return MemoryStats.NONE;
    }

    /** Gives the pool's cached blocks back (heap arrays to the garbage collector, device memory to the driver). */
    default void releaseCachedMemory() {
    }

    /** Starts the pool's peak in use over from what is in use now (to measure one step's peak). */
    default void resetMemoryPeak() {
    }

    /** Waits until all queued work has finished (a no-op on synchronous CPU backends). */
    default void synchronize() {
    }

    /**
     * Runs task(0), ..., task(n - 1), possibly at the same time on this backend's threads, and
     * returns when all have finished. Kernels called from inside a task run on that task's thread
     * alone: work made of many small kernels (the modules of a routed step) then shares the threads
     * a task each, rather than splitting every small kernel over all of them and waiting at the end
     * of each. Tasks must not depend on one another's order; a task runs its kernels exactly as a
     * one-thread backend would, so results do not change. When tasks fail, the exception of the
     * lowest-numbered failing task is rethrown once no task is running. The default runs the tasks
     * in order on the caller.
     */
    default void forEachTask(int n, java.util.function.IntConsumer task) {
        for (int i = 0; i < n; i++) {
            task.accept(i);
        }
    }

    // ---------------------------------------------------------------- layout

    /**
     * Materializes a strided view into contiguous {@code dst} of the given shape:
     * dst[flat(i0..ir)] = src[srcOff + sum_j i_j * srcStrides[j]]. Strides may be 0 (broadcast
     * expand) and need not be increasing (transpose, permute). Slices are expressed by offset.
     * dst may be src: the whole view is read before any of it is written, as through a temporary
     * (memmove semantics), so an in-place transpose is a transpose on every backend; elements of dst
     * past the view's size are left as they were.
     */
    void copyStrided(Storage dst, Storage src, int srcOff, int[] shape, int[] srcStrides);

    // ---------------------------------------------------------------- elementwise

    /** out[i] = op(x[i]; alpha) for i in [0, n). out may be x (in place). */
    void unary(UnaryOp op, Storage out, Storage x, int n, float alpha);

    /**
     * Local derivative of a unary op: dx[i] = dout[i] * op'(x[i]; alpha). For GELU this is the
     * derivative of the tanh approximation.
     */
    void unaryBackward(UnaryOp op, Storage dx, Storage dout, Storage x, int n, float alpha);

    /**
     * Broadcasting binary op: out (contiguous, {@code shape}) = op(a, b), where a and b are read
     * through their strides over the same {@code shape} (a broadcast axis has stride 0), starting
     * at offset 0.
     */
    void binary(BinaryOp op, Storage out, int[] shape, Storage a, int[] aStrides, Storage b, int[] bStrides);

    /** out[i] = mask[i] != 0 ? a[i] : b[i] for i in [0, n). */
    void where(Storage out, Storage mask, Storage a, Storage b, int n);

    /** Adds: y[yOff + i] += alpha * x[xOff + i] for i in [0, n). Used to accumulate gradients. */
    void addScaled(Storage y, int yOff, Storage x, int xOff, int n, float alpha);

    // ---------------------------------------------------------------- reductions

    /**
     * Views x as (outer, len, inner) and reduces the middle axis: out (outer, inner).
     * SUM accumulates in double in the reference; MAX of an empty axis is -infinity.
     */
    void reduce(ReduceOp op, Storage out, Storage x, int outer, int len, int inner);

    /** Sum of squares of x[off .. off+n), accumulated in double (used for gradient-norm clipping). */
    double sumOfSquares(Storage x, int off, int n);

    // ---------------------------------------------------------------- matrix multiply

    /**
     * Batched row-major GEMM: for b in [0, batch):
     * C_b = alpha * op(A_b) * op(B_b) + beta * C_b, with op(A_b) (m, k), op(B_b) (k, n), C_b (m, n);
     * A_b starts at aOff + b*strideA with leading dimension lda (its row length as stored), and so on.
     * When beta == 0, C is not read (NaN in C does not propagate).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              Storage a, int aOff, int lda, int strideA,
              Storage b, int bOff, int ldb, int strideB,
              float beta, Storage c, int cOff, int ldc, int strideC, int batch);

    // ---------------------------------------------------------------- softmax and normalization

    /** Row-wise softmax (or log-softmax) of x (rows, cols) into out (rows, cols). Numerically stable. */
    void softmax(Storage out, Storage x, int rows, int cols, boolean log);

    /**
     * Backward of {@link #softmax}: given out = softmax(x) (or log-softmax) and dout, writes dx.
     * softmax: dx = out * (dout - sum(dout * out)); log: dx = dout - exp(out) * sum(dout).
     */
    void softmaxBackward(Storage dx, Storage dout, Storage out, int rows, int cols, boolean log);

    /**
     * LayerNorm over the last axis: out = (x - mean) * rstd * w + b, x (rows, cols).
     * Saves mean (rows) and rstd (rows) for backward. w and b may be null (no affine).
     */
    void layerNorm(Storage out, Storage mean, Storage rstd, Storage x, Storage w, Storage b,
                   int rows, int cols, float eps);

    /** Backward of {@link #layerNorm}: writes dx (rows, cols), dw (cols), db (cols); dw/db may be null. */
    void layerNormBackward(Storage dx, Storage dw, Storage db, Storage dout, Storage x, Storage w,
                           Storage mean, Storage rstd, int rows, int cols);

    /** RMSNorm over the last axis: out = x * rstd * w, rstd = 1/sqrt(mean(x^2) + eps); w may be null. */
    void rmsNorm(Storage out, Storage rstd, Storage x, Storage w, int rows, int cols, float eps);

    /** Backward of {@link #rmsNorm}: writes dx and dw (dw may be null). */
    void rmsNormBackward(Storage dx, Storage dw, Storage dout, Storage x, Storage w, Storage rstd,
                         int rows, int cols);

    // ---------------------------------------------------------------- losses

    /**
     * Per-row cross-entropy of logits (rows, cols) against targets: losses[r] = logsumexp(x_r) -
     * x_r[target_r], and 0 where target_r == ignoreIndex. A target outside [0, cols) that is not
     * ignoreIndex is an IndexOutOfBoundsException.
     */
    void crossEntropy(Storage losses, Storage logits, int[] targets, int rows, int cols, int ignoreIndex);

    /** dlogits[r] = dlosses[r] * (softmax(x_r) - onehot(target_r)); a zero row where ignored. */
    void crossEntropyBackward(Storage dlogits, Storage dlosses, Storage logits, int[] targets,
                              int rows, int cols, int ignoreIndex);

    // ---------------------------------------------------------------- indexing (routing primitives)

    /** Row gather: out[i, :] = src[rows[i], :] for i in [0, count); rows are width floats wide. */
    void indexSelectRows(Storage out, Storage src, int[] rows, int count, int width);

    /**
     * Dispatch, the counting sort and the gather in one call: sorts the (token, slot) pairs by module,
     * stably, and gathers their rows into module-contiguous groups. No capacity limit, nothing dropped.
     *
     * <pre>
     *   choices (tokens*K)  module of token t, slot j at t*K + j, in [0, E)
     *   skipped (E)         modules that take no rows (identity); null = none
     *   counts (E)          rows per module (0 for a skipped one)
     *   offsets (E+1)       module e owns rows [offsets[e], offsets[e+1])
     *   tokenOfRow (R)      the token of each row, increasing within a module
     *   slotRow (tokens*K)  the row of (t, j), or -1 when that slot chose a skipped module
     *   out (R, width)      out[r, :] = src[tokenOfRow[r], :]; src is (tokens, width)
     * </pre>
     *
     * Returns R, the rows. The result is exactly {@link DispatchPlan}'s
     * bookkeeping followed by {@link #indexSelectRows}, which is this default. A module index outside
     * [0, E) is an IllegalArgumentException naming "dispatch", the token, the slot and the value,
     * thrown before tokenOfRow, slotRow or out is written.
     */
    default int dispatch(Storage out, int[] counts, int[] offsets, int[] tokenOfRow, int[] slotRow, Storage src,
                         int[] choices, boolean[] skipped, int tokens, int k, int experts, int width) {
        int pairs = DispatchSort.checkArguments(counts, offsets, slotRow, choices, skipped, tokens, k, experts);
        int rows = DispatchSort.countByModule(choices, pairs, k, experts, skipped, counts, offsets);
        DispatchSort.checkOutputs(tokenOfRow, out.length(), rows, width);
        DispatchSort.placeRows(choices, pairs, k, skipped, offsets, new int[experts], tokenOfRow, slotRow);
        indexSelectRows(out, src, tokenOfRow, rows, width);
        return rows;
    }

    /**
     * Adds rows: dst[rows[i], :] += src[i, :] for i in [0, count). Deterministic: the result equals
     * adding in increasing i, whatever the thread count.
     */
    void indexAddRows(Storage dst, Storage src, int[] rows, int count, int width);

    /**
     * Gather along the middle axis of x viewed as (outer, len, inner): out (outer, idxLen, inner),
     * out[o, j, i] = x[o, idx[(o*idxLen + j)*inner + i], i].
     */
    void gather(Storage out, Storage x, int[] idx, int outer, int len, int inner, int idxLen);

    /** Backward of {@link #gather}. Adds: dx[o, idx[o,j,i], i] += dout[o, j, i], in increasing j. */
    void scatterAdd(Storage dx, Storage dout, int[] idx, int outer, int len, int inner, int idxLen);

    // ---------------------------------------------------------------- attention (fused pair)

    /**
     * Multi-head scaled-dot-product attention over variable-length segments (flash-attention's
     * "varlen" layout). q, k, v, out are (rows, heads*headDim); rows [segments[s], segments[s+1])
     * form segment s, and a row attends only to rows of its own segment: for row i at position p
     * within its segment, to positions u with u <= p when causal, and, when mask is non-null, only
     * where mask[s*maskSegmentStride + p*L + u] != 0 (all segments then have the same length L;
     * maskSegmentStride is L*L, or 0 to share one mask). scores = scale * q.k.
     * Saves lse (heads, rows) = logsumexp of each row's scores for backward. A row that may attend
     * to nothing gets out = 0 and lse = -infinity.
     *
     * <p>Dense self-attention of a batch (B, T) is segments {0, T, 2T, ..}; routed attention is the
     * same call on the rows gathered for one module, split by sequence (sorted by position, so
     * causality on gathered order is causality on original positions).
     */
    void attention(Storage out, Storage lse, Storage q, Storage k, Storage v,
                   int[] segments, int heads, int headDim, boolean causal,
                   Storage mask, int maskSegmentStride, float scale);

    /** Backward of {@link #attention}: writes dq, dk, dv (rows, heads*headDim). */
    void attentionBackward(Storage dq, Storage dk, Storage dv, Storage dout,
                           Storage q, Storage k, Storage v, Storage out, Storage lse,
                           int[] segments, int heads, int headDim, boolean causal,
                           Storage mask, int maskSegmentStride, float scale);

    /**
     * {@link #attention} on a packed projection: qkv (rows, 3W), W = heads*headDim, holds q | k | v
     * as column blocks (GPT-2's c_attn layout); out (rows, W) and lse as in {@link #attention}. The
     * default copies the three blocks out first; a backend that reads strided rows overrides it.
     */
    default void attentionPacked(Storage out, Storage lse, Storage qkv, int[] segments, int heads, int headDim,
                                 boolean causal, Storage mask, int maskSegmentStride, float scale) {
        Storage[] parts = unpackQkv(qkv, segments[segments.length - 1], heads * headDim);
        attention(out, lse, parts[0], parts[1], parts[2], segments, heads, headDim, causal, mask, maskSegmentStride,
                scale);
    }

    /**
     * Backward of {@link #attentionPacked}: writes dqkv (rows, 3W), the gradients of q | k | v in
     * the layout of qkv.
     */
    default void attentionPackedBackward(Storage dqkv, Storage dout, Storage qkv, Storage out, Storage lse,
                                         int[] segments, int heads, int headDim, boolean causal,
                                         Storage mask, int maskSegmentStride, float scale) {
        int rows = segments[segments.length - 1];
        int w = heads * headDim;
        int block = rows * w;
        Storage[] parts = unpackQkv(qkv, rows, w);
        // stack (3, rows, W) = dq | dk | dv, then dqkv (rows, 3, W) = its permutation, one pass
        Storage dq = allocate(block);
        Storage dk = allocate(block);
        Storage dv = allocate(block);
        attentionBackward(dq, dk, dv, dout, parts[0], parts[1], parts[2], out, lse, segments, heads, headDim, causal,
                mask, maskSegmentStride, scale);
        Storage stack = allocate(3 * block);
        copy(stack, 0, dq, 0, block);
        copy(stack, block, dk, 0, block);
        copy(stack, 2 * block, dv, 0, block);
        copyStrided(dqkv, stack, 0, new int[]{rows, 3, w}, new int[]{w, block, 1});
    }

    // q, k, v (rows, W) copied out of qkv (rows, 3W): one strided copy each (contiguous runs of W floats)
    private Storage[] unpackQkv(Storage qkv, int rows, int w) {
        Storage[] parts = new Storage[3];
        for (int p = 0; p < 3; p++) {
            parts[p] = allocate(rows * w);
            copyStrided(parts[p], qkv, p * w, new int[]{rows, w}, new int[]{3 * w, 1});
        }
        return parts;
    }

    // ---------------------------------------------------------------- optimizer

    /**
     * One fused AdamW update of n parameters (decoupled weight decay, bias-corrected):
     * m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; p -= lr * (m/(1-b1^t) / (sqrt(v/(1-b2^t)) + eps) + wd*p).
     */
    void adamw(Storage p, Storage m, Storage v, Storage g, int n, float lr, float beta1, float beta2,
               float eps, float weightDecay, int step);

    // ---------------------------------------------------------------- routing (DNA / MoE / MoD)

    /**
     * Router top-k: probs (rows, E) = softmax(logits); picks, per row, the K largest of
     * (probs + bias) (bias (E), null = none; used only for choosing), ties by lower index, in
     * descending order of the biased score. Writes indices (rows*K) and weights (rows, K) = probs of
     * the chosen, renormalised over the chosen when {@code renormalize}. A NaN in a row is an
     * ArithmeticException naming "topk", the row and the value.
     */
    void topk(int[] indices, Storage weights, Storage probs, Storage logits, float[] bias,
              int rows, int experts, int k, boolean renormalize);

    /**
     * Backward of {@link #topk} through the weights only (no gradient through the hard choice):
     * writes dlogits (rows, E) from dweights (rows, K).
     */
    void topkBackward(Storage dlogits, Storage dweights, Storage probs, int[] indices,
                      int rows, int experts, int k, boolean renormalize);

    /**
     * Weighted combine, the inverse of dispatch: out[t, :] = sum_j weights[t*K + j] * y[slotRows[t*K + j], :]
     * for t in [0, tokens); y is (rows of the dispatch buffer, width). A slotRows entry of -1 means
     * "no module output" (identity / dropped) and contributes nothing. Deterministic by construction
     * (each token sums its own K rows in order j = 0..K-1).
     */
    void combine(Storage out, Storage y, Storage weights, int[] slotRows, int tokens, int k, int width);

    /**
     * Backward of {@link #combine}: dy[slotRows[t,j], :] = weights[t,j] * dout[t, :] (rows of dy not
     * named by any slot are left as they are) and dweights[t, j] = dot(dout[t, :], y[slotRows[t,j], :])
     * (0 for a -1 slot).
     */
    void combineBackward(Storage dy, Storage dweights, Storage dout, Storage y, Storage weights,
                         int[] slotRows, int tokens, int k, int width);
}
