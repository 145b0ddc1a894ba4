package org.jdna.engine.backend;

/**
 * Reductions: along the middle axis of a view, and the sum of squares of gradient-norm clipping.
 * Conventions: {@link Backend}'s.
 *
 * <p>Legend: (outer, len, inner) the view of x whose middle axis is reduced.
 */
public interface ReductionKernels {

    /**
     * Views x as (outer, len, inner) and reduces the middle axis: out (outer, inner).
     * SUM accumulates in double in the reference; MAX of an empty axis is -infinity.
     */
    void reduce(ReduceOp op, Storage out, Storage x, int outer, int len, int inner);

    /** Sum of squares of x[off .. off+n), accumulated in double (used for gradient-norm clipping). */
    double sumOfSquares(Storage x, int off, int n);
}
