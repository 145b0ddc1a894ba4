package org.jdna.engine.ops;

import static org.jdna.engine.ops.Broadcast.expandTo;

import java.util.Arrays;

import org.jdna.engine.autograd.Autograd;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.BinaryOp;
import org.jdna.engine.backend.ReduceOp;
import org.jdna.engine.tensor.Shapes;
import org.jdna.engine.tensor.Tensor;

/**
 * Sum, mean and max over axes, on the backend's (outer, len, inner) reduction. The gradient of a
 * sum is the output gradient broadcast back over the reduced axes.
 */
public final class Reductions {
    private Reductions() {
    }

    /** Sum of all elements: a scalar (shape []). */
    public static Tensor sum(Tensor x) {
        OpChecks.notNull("sum", "x", x);
        return sum(x, false, allAxes(x.rank()));
    }

    /** Sum over {@code axes} (negative axes count from the end; none given = all axes). */
    public static Tensor sum(Tensor x, boolean keepDim, int... axes) {
        OpChecks.notNull("sum", "x", x);
        boolean[] reduced = reducedAxes("sum", x.rank(), axes);
        int[] keptShape = keptShape(x.shape(), reduced);
        Tensor out = Tensor.wrap(sumRaw(x, reduced).storage(), keepDim ? keptShape : droppedShape(x.shape(), reduced));
        int[] xShape = x.shape();
        return Autograd.record("sum", out, dout -> Autograd.accumulate(x, expandTo(dout.reshape(keptShape), xShape)), x);
    }

    /** Mean of all elements: a scalar. */
    public static Tensor mean(Tensor x) {
        OpChecks.notNull("mean", "x", x);
        return mean(x, false, allAxes(x.rank()));
    }

    /** Mean over {@code axes} (none given = all axes). */
    public static Tensor mean(Tensor x, boolean keepDim, int... axes) {
        OpChecks.notNull("mean", "x", x);
        boolean[] reduced = reducedAxes("mean", x.rank(), axes);
        int count = 1;
        for (int i = 0; i < reduced.length; i++) {
            count *= reduced[i] ? x.dim(i) : 1;
        }
        return Elementwise.mul(sum(x, keepDim, axes), count == 0 ? Float.NaN : 1f / count);
    }

    /** Max over one axis; the gradient goes to the maximal elements (split evenly between ties). */
    public static Tensor max(Tensor x, int axis, boolean keepDim) {
        OpChecks.notNull("max", "x", x);
        int a = Shapes.axis("max", axis, x.rank());
        int[] xShape = x.shape();
        Backend be = x.backend();
        int outer = OpChecks.prod(xShape, 0, a);
        int inner = OpChecks.prod(xShape, a + 1, xShape.length);
        boolean[] reduced = new boolean[xShape.length];
        reduced[a] = true;
        int[] keptShape = keptShape(xShape, reduced);
        Tensor kept = Tensor.zeros(be, keptShape);
        be.reductions().reduce(ReduceOp.MAX, kept.storage(), x.storage(), outer, xShape[a], inner);
        Tensor out = Tensor.wrap(kept.storage(), keepDim ? keptShape : droppedShape(xShape, reduced));
        return Autograd.record("max", out, dout -> {
            // dx = [x == max] * dout / (number of maximal elements in the slice)
            Tensor isMax = Elementwise.binary("max", BinaryOp.EQ, x, kept);
            Tensor ties = Tensor.zeros(be, keptShape);
            be.reductions().reduce(ReduceOp.SUM, ties.storage(), isMax.storage(), outer, xShape[a], inner);
            Tensor share = Elementwise.binary("max", BinaryOp.DIV, dout.reshape(keptShape), ties);
            Autograd.accumulate(x, Elementwise.binary("max", BinaryOp.MUL, isMax, share));
        }, x);
    }

    // ------------------------------------------------------------------ helpers

    /** Sums the flagged axes (kept as size 1), merging runs of adjacent axes into one backend call. Unrecorded. */
    static Tensor sumRaw(Tensor x, boolean[] reduced) {
        Backend be = x.backend();
        int[] shape = x.shape();
        Tensor cur = x;
        int r = shape.length;
        boolean any = false;
        int i = 0;
        while (i < r) {
            if (!reduced[i]) {
                i++;
                continue;
            }
            int j = i;
            while (j < r && reduced[j]) {
                j++;
            }
            int outer = OpChecks.prod(shape, 0, i);
            int len = OpChecks.prod(shape, i, j);
            int inner = OpChecks.prod(shape, j, r);
            Tensor next = Tensor.zeros(be, outer * inner);
            be.reductions().reduce(ReduceOp.SUM, next.storage(), cur.storage(), outer, len, inner);
            for (int k = i; k < j; k++) {
                shape[k] = 1;
            }
            cur = next;
            any = true;
            i = j;
        }
        return any ? Tensor.wrap(cur.storage(), shape) : x.copy();
    }

    private static int[] allAxes(int rank) {
        int[] a = new int[rank];
        for (int i = 0; i < rank; i++) {
            a[i] = i;
        }
        return a;
    }

    /** Flags for the axes to reduce; an empty list means all axes. Duplicates are an error. */
    static boolean[] reducedAxes(String op, int rank, int[] axes) {
        boolean[] flags = new boolean[rank];
        if (axes == null || axes.length == 0) {
            Arrays.fill(flags, true);
            return flags;
        }
        for (int axis : axes) {
            int a = Shapes.axis(op, axis, rank);
            if (flags[a]) {
                throw new IllegalArgumentException(op + ": axis " + axis + " given twice in " + Arrays.toString(axes));
            }
            flags[a] = true;
        }
        return flags;
    }

    private static int[] keptShape(int[] shape, boolean[] reduced) {
        int[] s = shape.clone();
        for (int i = 0; i < s.length; i++) {
            if (reduced[i]) {
                s[i] = 1;
            }
        }
        return s;
    }

    private static int[] droppedShape(int[] shape, boolean[] reduced) {
        int n = 0;
        for (boolean r : reduced) {
            n += r ? 0 : 1;
        }
        int[] s = new int[n];
        int j = 0;
        for (int i = 0; i < shape.length; i++) {
            if (!reduced[i]) {
                s[j++] = shape[i];
            }
        }
        return s;
    }
}
