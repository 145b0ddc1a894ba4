package org.jdna.engine.ops;

import org.jdna.engine.tensor.Tensor;

/** LayerNorm and RMSNorm over the last axis (fused forward/backward pairs). */
public final class Normalization {
    private Normalization() {
    }

    /** x (..., C), w (C) and b (C) may be null. */
    public static Tensor layerNorm(Tensor x, Tensor w, Tensor b, float eps) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor rmsNorm(Tensor x, Tensor w, float eps) { throw new UnsupportedOperationException("not implemented yet"); }
}
