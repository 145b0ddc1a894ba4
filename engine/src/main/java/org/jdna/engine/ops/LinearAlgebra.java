package org.jdna.engine.ops;

import org.jdna.engine.tensor.Tensor;

/** Matrix products on the backend's GEMM. */
public final class LinearAlgebra {
    private LinearAlgebra() {
    }

    /**
     * a @ b. Shapes: (m,k)@(k,n); (B,m,k)@(B,k,n) batched; (..., m, k)@(k, n) with a weight shared
     * across leading axes (the Linear layer's case).
     */
    public static Tensor matmul(Tensor a, Tensor b) { throw new UnsupportedOperationException("not implemented yet"); }
    /** op(a) @ op(b) where op transposes the last two axes when the flag is set. */
    public static Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) { throw new UnsupportedOperationException("not implemented yet"); }
    /** x (..., in) @ w^T (out, in) + bias (out): PyTorch's Linear layout; bias may be null. */
    public static Tensor linear(Tensor x, Tensor w, Tensor bias) { throw new UnsupportedOperationException("not implemented yet"); }
}
