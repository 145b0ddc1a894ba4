package org.jdna.engine.ops;

import org.jdna.engine.tensor.Tensor;

/** Reshape (a free view), transpose, permute, slice, concat, expand (contiguous copies). */
public final class ShapeOps {
    private ShapeOps() {
    }

    /** Same storage, new shape; one axis may be -1. */
    public static Tensor reshape(Tensor x, int... shape) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor transpose(Tensor x, int a, int b) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor permute(Tensor x, int... dims) { throw new UnsupportedOperationException("not implemented yet"); }
    /** Elements [start, end) along axis. */
    public static Tensor slice(Tensor x, int axis, int start, int end) { throw new UnsupportedOperationException("not implemented yet"); }
    public static Tensor concat(int axis, Tensor... parts) { throw new UnsupportedOperationException("not implemented yet"); }
    /** Broadcast x to shape (numpy rules), materialized. */
    public static Tensor expand(Tensor x, int... shape) { throw new UnsupportedOperationException("not implemented yet"); }
}
