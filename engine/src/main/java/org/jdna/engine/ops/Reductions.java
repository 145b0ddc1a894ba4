package org.jdna.engine.ops;

import org.jdna.engine.tensor.Tensor;

/** Sum, mean and max over axes. */
public final class Reductions {
    private Reductions() {
    }

    /** Sum of all elements: a scalar (shape []). */
    public static Tensor sum(Tensor x) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor sum(Tensor x, boolean keepDim, int... axes) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor mean(Tensor x) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor mean(Tensor x, boolean keepDim, int... axes) { throw new UnsupportedOperationException("not implemented yet"); }
    /** Max over one axis; the gradient goes to the maximal elements (split evenly between ties). */
    public static Tensor max(Tensor x, int axis, boolean keepDim) { throw new UnsupportedOperationException("not implemented yet"); }
}
