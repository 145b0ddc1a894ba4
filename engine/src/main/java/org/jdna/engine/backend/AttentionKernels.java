package org.jdna.engine.backend;

/**
 * Multi-head scaled-dot-product attention over variable-length segments (flash-attention's
 * "varlen" layout), forward and backward, on separate q, k, v or on one packed projection.
 * Conventions: {@link Backend}'s.
 *
 * <p>Legend: rows N, H heads, Dh = headDim, W = H*Dh the row width of q, k, v and out; segment s is
 * rows [segments[s], segments[s+1]); L the common segment length when masked.
 */
public interface AttentionKernels {

    /**
     * q, k, v, out are (rows, heads*headDim); rows [segments[s], segments[s+1]) form segment s, and a
     * row attends only to rows of its own segment: for row i at position p within its segment, to
     * positions u with u <= p when causal, and, when mask is non-null, only where
     * mask[s*maskSegmentStride + p*L + u] != 0 (all segments then have the same length L;
     * maskSegmentStride is L*L, or 0 to share one mask). scores = scale * q.k.
     * Saves lse (heads, rows) = logsumexp of each row's scores for backward. A row that may attend
     * to nothing gets out = 0 and lse = -infinity.
     *
     * <p>Dense self-attention of a batch (B, T) is segments {0, T, 2T, ..}; routed attention is the
     * same call on the rows gathered for one module, split by sequence (sorted by position, so
     * causality on gathered order is causality on original positions).
     */
    void forward(Storage out, Storage lse, Storage q, Storage k, Storage v,
                 int[] segments, int heads, int headDim, boolean causal,
                 Storage mask, int maskSegmentStride, float scale);

    /** Backward of {@link #forward}: writes dq, dk, dv (rows, heads*headDim). */
    void backward(Storage dq, Storage dk, Storage dv, Storage dout,
                  Storage q, Storage k, Storage v, Storage out, Storage lse,
                  int[] segments, int heads, int headDim, boolean causal,
                  Storage mask, int maskSegmentStride, float scale);

    /**
     * {@link #forward} on a packed projection: qkv (rows, 3W), W = heads*headDim, holds q | k | v as
     * column blocks (GPT-2's c_attn layout); out (rows, W) and lse as in {@link #forward}.
     */
    void forwardPacked(Storage out, Storage lse, Storage qkv, int[] segments, int heads, int headDim,
                       boolean causal, Storage mask, int maskSegmentStride, float scale);

    /**
     * Backward of {@link #forwardPacked}: writes dqkv (rows, 3W), the gradients of q | k | v in the
     * layout of qkv.
     */
    void backwardPacked(Storage dqkv, Storage dout, Storage qkv, Storage out, Storage lse,
                        int[] segments, int heads, int headDim, boolean causal,
                        Storage mask, int maskSegmentStride, float scale);

    /**
     * Rotary position embedding (the "rotate half" layout) of rows at given positions: x and out are
     * (rows, width), rows = positions.length. Columns [0, rotatedHeads*headDim) are rotatedHeads heads
     * of headDim (even); within each, with half = headDim/2, c = cos[positions[r]*half + i] and
     * s = sin[positions[r]*half + i] for i < half,
     * <pre>
     *   out[i]        = x[i] * c - x[i + half] * s
     *   out[i + half] = x[i + half] * c + x[i] * s
     * </pre>
     * each product rounded to float before the sum. With inverse, s is negated: the rotation by the
     * opposite angle, which is also this op's backward (its Jacobian is orthogonal). Columns
     * [rotatedHeads*headDim, width) are copied unchanged. cos and sin are (maxPositions, half) tables;
     * every position must lie in [0, maxPositions). out and x must not overlap.
     */
    void rotary(Storage out, Storage x, int[] positions, Storage cos, Storage sin, int width, int rotatedHeads,
                int headDim, boolean inverse);
}
