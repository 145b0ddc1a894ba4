package org.jdna.engine.ops;

import org.jdna.engine.tensor.Tensor;

/** Softmax and log-softmax over one axis (fused kernels with explicit backward). */
public final class Softmax {
    private Softmax() {
    }

    public static Tensor softmax(Tensor x, int axis) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor logSoftmax(Tensor x, int axis) { throw new UnsupportedOperationException("not implemented yet"); }
}
