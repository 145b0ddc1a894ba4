package org.jdna.engine.backend;

/**
 * Elementwise primitives, and the strided copy that materializes a view (it walks a shape with
 * strides, as the broadcasting binary op does). Conventions: {@link Backend}'s.
 *
 * <p>Legend: n element count; a shape with its strides in elements (0 = broadcast).
 */
public interface ElementwiseKernels {

    /**
     * Materializes a strided view into contiguous {@code dst} of the given shape:
     * dst[flat(i0..ir)] = src[srcOff + sum_j i_j * srcStrides[j]]. Strides may be 0 (broadcast
     * expand) and need not be increasing (transpose, permute). Slices are expressed by offset.
     * dst may be src: the whole view is read before any of it is written, as through a temporary
     * (memmove semantics), so an in-place transpose is a transpose on every backend; elements of dst
     * past the view's size are left as they were.
     */
    void copyStrided(Storage dst, Storage src, int srcOff, int[] shape, int[] srcStrides);

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
}
