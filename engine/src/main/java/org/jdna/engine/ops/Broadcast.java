package org.jdna.engine.ops;

import java.util.Arrays;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.ReduceOp;
import org.jdna.engine.tensor.Shapes;
import org.jdna.engine.tensor.Tensor;

/**
 * Raw (never recorded) broadcasting helpers used by the forward ops and the gradient rules: the
 * gradient of a broadcast input is the output gradient summed over the broadcast axes.
 */
public final class Broadcast {
    private Broadcast() {
    }

    /**
     * Sums {@code g} down to {@code shape}, which must broadcast to g's shape (numpy rules): leading
     * extra axes and axes where {@code shape} has 1 are summed. Returns g itself when the shapes match.
     * Consecutive summed axes are reduced in one backend call.
     */
    public static Tensor sumToShape(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) {
            return g;
        }
        int r = gs.length;
        int lead = r - shape.length;
        if (lead < 0) {
            throw new IllegalArgumentException("sumToShape: cannot sum " + g.shapeString() + " to the larger rank "
                    + Arrays.toString(shape));
        }
        int[] target = new int[r];
        for (int i = 0; i < r; i++) {
            target[i] = i < lead ? 1 : shape[i - lead];
            if (target[i] != 1 && target[i] != gs[i]) {
                throw new IllegalArgumentException("sumToShape: " + Arrays.toString(shape) + " does not broadcast to "
                        + g.shapeString());
            }
        }
        Backend be = g.backend();
        Tensor cur = g;
        int[] curShape = gs.clone();
        int i = 0;
        while (i < r) {
            if (target[i] == 1 && curShape[i] != 1) {
                int j = i;
                while (j < r && target[j] == 1) {
                    j++;
                }
                int outer = OpChecks.prod(curShape, 0, i);
                int len = OpChecks.prod(curShape, i, j);
                int inner = OpChecks.prod(curShape, j, r);
                Tensor next = Tensor.zeros(be, outer * inner);
                be.reductions().reduce(ReduceOp.SUM, next.storage(), cur.storage(), outer, len, inner);
                for (int a = i; a < j; a++) {
                    curShape[a] = 1;
                }
                cur = next;
                i = j;
            } else {
                i++;
            }
        }
        return Tensor.wrap(cur.storage(), shape);
    }

    /** x materialized at the broadcast {@code shape} (x itself when the shapes match). */
    public static Tensor expandTo(Tensor x, int[] shape) {
        if (Arrays.equals(x.shape(), shape)) {
            return x;
        }
        Tensor out = Tensor.zeros(x.backend(), shape);
        x.backend().elementwise().copyStrided(out.storage(), x.storage(), 0, shape,
                Shapes.broadcastStrides(x.shape(), shape));
        return out;
    }
}
