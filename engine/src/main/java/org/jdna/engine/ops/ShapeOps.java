package org.jdna.engine.ops;

import java.util.Arrays;

import org.jdna.engine.autograd.Autograd;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.tensor.Shapes;
import org.jdna.engine.tensor.Tensor;

/**
 * Reshape (a free view on the same storage), and transpose, permute, slice, concat, expand, which
 * produce contiguous copies through {@code ElementwiseKernels.copyStrided} / {@code Backend.copy}.
 */
public final class ShapeOps {
    /** Up to this many contiguous blocks, slab writes are plain copies; above, one permuted pass is cheaper. */
    private static final int MAX_BLOCK_COPIES = 64;

    private ShapeOps() {
    }

    /** Same storage, new shape; one axis may be -1. */
    public static Tensor reshape(Tensor x, int... shape) {
        OpChecks.notNull("reshape", "x", x);
        int[] resolved = resolveShape(x, shape);
        int[] xShape = x.shape();
        Tensor out = Tensor.wrap(x.storage(), resolved);
        return Autograd.record("reshape", out, dout -> Autograd.accumulate(x, Tensor.wrap(dout.storage(), xShape)), x);
    }

    public static Tensor transpose(Tensor x, int a, int b) {
        OpChecks.notNull("transpose", "x", x);
        int r = x.rank();
        int[] dims = new int[r];
        for (int i = 0; i < r; i++) {
            dims[i] = i;
        }
        int aa = Shapes.axis("transpose", a, r);
        int bb = Shapes.axis("transpose", b, r);
        dims[aa] = bb;
        dims[bb] = aa;
        return permute(x, dims);
    }

    /** out axis i is x axis dims[i]. */
    public static Tensor permute(Tensor x, int... dims) {
        OpChecks.notNull("permute", "x", x);
        int r = x.rank();
        if (dims.length != r) {
            throw new IllegalArgumentException("permute: " + Arrays.toString(dims) + " is not a permutation of the "
                    + r + " axes of " + x.shapeString());
        }
        int[] d = new int[r];
        int[] inverse = new int[r];
        boolean[] seen = new boolean[r];
        for (int i = 0; i < r; i++) {
            d[i] = dims[i] < 0 ? dims[i] + r : dims[i];
            if (d[i] < 0 || d[i] >= r || seen[d[i]]) {
                throw new IllegalArgumentException("permute: " + Arrays.toString(dims) + " is not a permutation of the "
                        + r + " axes of " + x.shapeString());
            }
            seen[d[i]] = true;
            inverse[d[i]] = i;
        }
        Tensor out = permuteRaw(x, d);
        return Autograd.record("permute", out, dout -> Autograd.accumulate(x, permuteRaw(dout, inverse)), x);
    }

    /** Elements [start, end) along axis. */
    public static Tensor slice(Tensor x, int axis, int start, int end) {
        OpChecks.notNull("slice", "x", x);
        int a = Shapes.axis("slice", axis, x.rank());
        int[] xShape = x.shape();
        if (start < 0 || end < start || end > xShape[a]) {
            throw new IllegalArgumentException("slice: [" + start + ", " + end + ") is out of range for axis " + axis
                    + " of size " + xShape[a] + " (shape " + x.shapeString() + ")");
        }
        int[] shape = xShape.clone();
        shape[a] = end - start;
        int[] strides = Shapes.strides(xShape);
        Backend be = x.backend();
        Tensor out = Tensor.empty(be, shape);                     // the strided copy writes every element
        be.elementwise().copyStrided(out.storage(), x.storage(), start * strides[a], shape, strides);
        return Autograd.record("slice", out, dout -> {
            Tensor dx = Tensor.zeros(be, xShape);
            writeSlab(dx, a, start, dout);
            Autograd.accumulateFresh(x, dx);
        }, x);
    }

    /** Joins the parts along {@code axis}; all other axes must agree. */
    public static Tensor concat(int axis, Tensor... parts) {
        if (parts == null || parts.length == 0) {
            throw new IllegalArgumentException("concat: no tensors to join");
        }
        Backend be = OpChecks.sameBackend("concat", parts);
        int r = parts[0].rank();
        int a = Shapes.axis("concat", axis, r);
        int[] shape = parts[0].shape();
        int total = 0;
        int[] starts = new int[parts.length];
        for (int p = 0; p < parts.length; p++) {
            int[] s = parts[p].shape();
            boolean ok = s.length == r;
            for (int i = 0; ok && i < r; i++) {
                ok = i == a || s[i] == shape[i];
            }
            if (!ok) {
                StringBuilder sb = new StringBuilder("concat: shapes differ off axis " + axis + ":");
                for (Tensor t : parts) {
                    sb.append(' ').append(t.shapeString());
                }
                throw new IllegalArgumentException(sb.toString());
            }
            starts[p] = total;
            total += s[a];
        }
        shape[a] = total;
        Tensor out = Tensor.empty(be, shape);
        for (int p = 0; p < parts.length; p++) {
            writeSlab(out, a, starts[p], parts[p]);
        }
        return Autograd.record("concat", out, dout -> {
            int[] strides = Shapes.strides(shape);
            for (int p = 0; p < parts.length; p++) {
                if (parts[p].requiresGrad()) {
                    int[] ps = parts[p].shape();
                    Tensor dp = Tensor.zeros(be, ps);
                    be.elementwise().copyStrided(dp.storage(), dout.storage(), starts[p] * strides[a], ps, strides);
                    Autograd.accumulateFresh(parts[p], dp);
                }
            }
        }, parts);
    }

    /** Broadcast x to shape (numpy rules), materialized. */
    public static Tensor expand(Tensor x, int... shape) {
        OpChecks.notNull("expand", "x", x);
        Shapes.check("expand", shape);
        int[] xShape = x.shape();
        if (!Arrays.equals(Shapes.broadcast("expand", xShape, shape), shape)) {
            throw new IllegalArgumentException("expand: " + x.shapeString() + " cannot be expanded to "
                    + Arrays.toString(shape));
        }
        Tensor out = Broadcast.expandTo(x, shape);
        if (out == x) {
            out = x.copy();
        }
        return Autograd.record("expand", out, dout -> Autograd.accumulate(x, Broadcast.sumToShape(dout, xShape)), x);
    }

    // ------------------------------------------------------------------ helpers

    /** Contiguous copy of x with out axis i = x axis d[i]. Unrecorded. */
    static Tensor permuteRaw(Tensor x, int[] d) {
        int[] xShape = x.shape();
        int[] xStrides = Shapes.strides(xShape);
        int[] shape = new int[d.length];
        int[] strides = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            shape[i] = xShape[d[i]];
            strides[i] = xStrides[d[i]];
        }
        Backend be = x.backend();
        Tensor out = Tensor.zeros(be, shape);
        int[][] compact = compact(shape, strides);
        be.elementwise().copyStrided(out.storage(), x.storage(), 0, compact[0], compact[1]);
        return out;
    }

    /**
     * The same strided walk over fewer axes: axes of size 1 dropped, and an axis merged into the one
     * before it when the two walk memory as one (stride[i] == stride[i+1] * shape[i+1]). A backend's
     * copy then runs over long rows instead of, say, rows of one element.
     */
    static int[][] compact(int[] shape, int[] strides) {
        int[] s = new int[shape.length];
        int[] st = new int[shape.length];
        int r = 0;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1) {
                continue;
            }
            if (r > 0 && st[r - 1] == strides[i] * shape[i]) {
                s[r - 1] *= shape[i];
                st[r - 1] = strides[i];
            } else {
                s[r] = shape[i];
                st[r] = strides[i];
                r++;
            }
        }
        if (r == 0) { // a single element
            return new int[][]{{1}, {0}};
        }
        return new int[][]{java.util.Arrays.copyOf(s, r), java.util.Arrays.copyOf(st, r)};
    }

    /**
     * Writes {@code part} into dst[..., start : start + part.dim(axis), ...]. Viewed as (outer, len,
     * inner), the destination region is {@code outer} contiguous blocks: a few blocks are copied
     * directly; many small ones (e.g. a column slab of a tall matrix) go through one axis-first
     * permuted staging buffer instead of one backend call per block.
     */
    static void writeSlab(Tensor dst, int axis, int start, Tensor part) {
        Backend be = dst.backend();
        int[] ds = dst.shape();
        int outer = OpChecks.prod(ds, 0, axis);
        int inner = OpChecks.prod(ds, axis + 1, ds.length);
        int len = ds[axis];
        int partLen = part.dim(axis);
        int block = partLen * inner;
        if (block == 0 || outer == 0) {
            return;
        }
        if (outer <= MAX_BLOCK_COPIES) {
            for (int o = 0; o < outer; o++) {
                be.copy(dst.storage(), (o * len + start) * inner, part.storage(), o * block, block);
            }
            return;
        }
        // stage = (len, outer, inner): dst with the axis moved first; the slab is then one contiguous run
        Tensor stage = permuteRaw(Tensor.wrap(dst.storage(), outer, len, inner), new int[]{1, 0, 2});
        Tensor partFirst = permuteRaw(Tensor.wrap(part.storage(), outer, partLen, inner), new int[]{1, 0, 2});
        be.copy(stage.storage(), start * outer * inner, partFirst.storage(), 0, partLen * outer * inner);
        Tensor back = permuteRaw(stage, new int[]{1, 0, 2});
        be.copy(dst.storage(), 0, back.storage(), 0, dst.numel());
    }

    private static int[] resolveShape(Tensor x, int[] shape) {
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("reshape: more than one -1 in " + Arrays.toString(shape));
                }
                infer = i;
            } else if (shape[i] < 0) {
                throw new IllegalArgumentException("reshape: negative dimension in " + Arrays.toString(shape));
            } else {
                known *= shape[i];
            }
        }
        int[] out = shape.clone();
        if (infer >= 0) {
            if (known == 0 || x.numel() % known != 0) {
                throw new IllegalArgumentException("reshape: cannot infer -1 in " + Arrays.toString(shape) + " for "
                        + x.shapeString() + " (" + x.numel() + " elements)");
            }
            out[infer] = (int) (x.numel() / known);
        } else if (known != x.numel()) {
            throw new IllegalArgumentException("reshape: " + x.shapeString() + " (" + x.numel()
                    + " elements) cannot be viewed as " + Arrays.toString(shape) + " (" + known + " elements)");
        }
        return out;
    }
}
