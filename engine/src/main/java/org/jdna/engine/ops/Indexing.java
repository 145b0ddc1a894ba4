package org.jdna.engine.ops;

import org.jdna.engine.tensor.Tensor;

/** Row gathers and scatters: the embedding lookup and the routing primitives. */
public final class Indexing {
    private Indexing() {
    }

    /** weight (V, D), ids with shape {@code idsShape} -> (idsShape..., D). */
    public static Tensor embedding(Tensor weight, int[] ids, int... idsShape) { throw new UnsupportedOperationException("not implemented yet"); }
    /** x (R, ...) -> (rows.length, ...) with out[i] = x[rows[i]]. */
    public static Tensor indexSelectRows(Tensor x, int[] rows) { throw new UnsupportedOperationException("not implemented yet"); }
    /** src (n, ...) -> (numRows, ...) zeros with out[rows[i]] += src[i]. */
    public static Tensor indexAddRows(Tensor src, int[] rows, int numRows) { throw new UnsupportedOperationException("not implemented yet"); }
    /** Gather along {@code axis}: index has x's shape except idxLen on axis (numpy take_along_axis). */
    public static Tensor gather(Tensor x, int axis, int[] index, int idxLen) { throw new UnsupportedOperationException("not implemented yet"); }
}
