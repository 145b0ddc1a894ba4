package org.jdna.engine.ops;

import org.jdna.engine.tensor.Tensor;

/** Loss functions. */
public final class Losses {
    private Losses() {
    }

    /** Mean cross-entropy of logits (N, C) against targets (N); rows with ignoreIndex are excluded from the mean. */
    public static Tensor crossEntropy(Tensor logits, int[] targets, int ignoreIndex) { throw new UnsupportedOperationException("not implemented yet"); }
}
