package org.jdna.engine.ops;

import org.jdna.engine.tensor.Tensor;

/**
 * Fused scaled-dot-product attention (forward/backward pair on the backend).
 * Layout: q, k, v (rows, heads*headDim); segments are row offsets (see Backend#attention).
 */
public final class Attention {
    private Attention() {
    }

    /**
     * Attention within segments: rows [segments[s], segments[s+1]) attend to each other, causally
     * when asked, and only where mask != 0 when a mask (numSegs or 1, L, L) is given.
     * Scale is 1/sqrt(headDim).
     */
    public static Tensor attention(Tensor q, Tensor k, Tensor v, int[] segments, int heads, boolean causal, Tensor mask) { throw new UnsupportedOperationException("not implemented yet"); }

    /** Batched convenience: q, k, v (B, T, heads*headDim), every sequence one segment. */
    public static Tensor selfAttention(Tensor q, Tensor k, Tensor v, int heads, boolean causal, Tensor mask) { throw new UnsupportedOperationException("not implemented yet"); }
}
