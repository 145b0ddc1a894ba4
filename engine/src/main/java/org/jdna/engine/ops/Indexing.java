package org.jdna.engine.ops;

import java.util.Arrays;

import org.jdna.engine.autograd.Autograd;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.tensor.Shapes;
import org.jdna.engine.tensor.Tensor;

/**
 * Row gathers and scatters: the embedding lookup and the routing primitives. Index arrays live on
 * the host (see Backend); they are checked here and copied, so a caller may reuse its array.
 * indexSelectRows and indexAddRows are each other's gradient.
 */
public final class Indexing {
    private Indexing() {
    }

    /** weight (V, D), ids with shape {@code idsShape} -> (idsShape..., D). */
    public static Tensor embedding(Tensor weight, int[] ids, int... idsShape) {
        OpChecks.notNull("embedding", "weight", weight);
        OpChecks.notNull("embedding", "ids", ids);
        OpChecks.rank("embedding", "weight (V, D)", weight, 2);
        Shapes.check("embedding", idsShape);
        if (ids.length != Shapes.numel(idsShape)) {
            throw new IllegalArgumentException("embedding: " + ids.length + " ids do not fill shape "
                    + Arrays.toString(idsShape));
        }
        OpChecks.indices("embedding", "ids", ids, weight.dim(0));
        int[] outShape = Arrays.copyOf(idsShape, idsShape.length + 1);
        outShape[idsShape.length] = weight.dim(1);
        return ShapeOps.reshape(selectRows("embedding", weight, ids.clone()), outShape);
    }

    /** x (R, ...) -> (rows.length, ...) with out[i] = x[rows[i]]. */
    public static Tensor indexSelectRows(Tensor x, int[] rows) {
        OpChecks.notNull("indexSelectRows", "x", x);
        OpChecks.notNull("indexSelectRows", "rows", rows);
        OpChecks.minRank("indexSelectRows", "x", x, 1);
        OpChecks.indices("indexSelectRows", "rows", rows, x.dim(0));
        return selectRows("indexSelectRows", x, rows.clone());
    }

    /** src (n, ...) -> (numRows, ...) zeros with out[rows[i]] += src[i] (repeated rows add up). */
    public static Tensor indexAddRows(Tensor src, int[] rows, int numRows) {
        OpChecks.notNull("indexAddRows", "src", src);
        OpChecks.notNull("indexAddRows", "rows", rows);
        OpChecks.minRank("indexAddRows", "src", src, 1);
        if (rows.length != src.dim(0)) {
            throw new IllegalArgumentException("indexAddRows: " + rows.length + " row indices for src " + src.shapeString());
        }
        if (numRows < 0) {
            throw new IllegalArgumentException("indexAddRows: numRows must be >= 0, got " + numRows);
        }
        OpChecks.indices("indexAddRows", "rows", rows, numRows);
        int[] r = rows.clone();
        Backend be = src.backend();
        int[] outShape = src.shape();
        outShape[0] = numRows;
        int width = OpChecks.prod(outShape, 1, outShape.length);
        Tensor out = Tensor.zeros(be, outShape);
        be.indexing().indexAddRows(out.storage(), src.storage(), r, r.length, width);
        return Autograd.record("indexAddRows", out, dout -> {
            Tensor dsrc = Tensor.zeros(be, src.shape());
            be.indexing().indexSelectRows(dsrc.storage(), dout.storage(), r, r.length, width);
            Autograd.accumulateFresh(src, dsrc);
        }, src);
    }

    /**
     * Gather along {@code axis} (numpy take_along_axis): index has x's shape except idxLen on axis,
     * row-major; out has that shape, out[.., j, ..] = x[.., index[.., j, ..], ..].
     */
    public static Tensor gather(Tensor x, int axis, int[] index, int idxLen) {
        OpChecks.notNull("gather", "x", x);
        OpChecks.notNull("gather", "index", index);
        int a = Shapes.axis("gather", axis, x.rank());
        int[] xShape = x.shape();
        if (idxLen < 0) {
            throw new IllegalArgumentException("gather: idxLen must be >= 0, got " + idxLen);
        }
        int[] outShape = xShape.clone();
        outShape[a] = idxLen;
        if (index.length != Shapes.numel(outShape)) {
            throw new IllegalArgumentException("gather: " + index.length + " indices for output shape "
                    + Arrays.toString(outShape) + " (x " + x.shapeString() + ", axis " + axis + ")");
        }
        OpChecks.indices("gather", "index", index, xShape[a]);
        int[] idx = index.clone();
        int outer = OpChecks.prod(xShape, 0, a);
        int inner = OpChecks.prod(xShape, a + 1, xShape.length);
        int len = xShape[a];
        Backend be = x.backend();
        Tensor out = Tensor.zeros(be, outShape);
        be.indexing().gather(out.storage(), x.storage(), idx, outer, len, inner, idxLen);
        return Autograd.record("gather", out, dout -> {
            Tensor dx = Tensor.zeros(be, xShape);
            be.indexing().scatterAdd(dx.storage(), dout.storage(), idx, outer, len, inner, idxLen);
            Autograd.accumulateFresh(x, dx);
        }, x);
    }

    // x (R, ...) -> (rows.length, ...); rows already checked and owned
    private static Tensor selectRows(String op, Tensor x, int[] rows) {
        Backend be = x.backend();
        int[] xShape = x.shape();
        int[] outShape = xShape.clone();
        outShape[0] = rows.length;
        int width = OpChecks.prod(xShape, 1, xShape.length);
        Tensor out = Tensor.empty(be, outShape);                  // every row is written
        be.indexing().indexSelectRows(out.storage(), x.storage(), rows, rows.length, width);
        return Autograd.record(op, out, dout -> Autograd.accumulateRows(x, dout, rows, width), x);
    }
}
