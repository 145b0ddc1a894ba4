package org.jdna.engine.ops;

import org.jdna.engine.autograd.Autograd;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.tensor.Shapes;
import org.jdna.engine.tensor.Tensor;

/**
 * Softmax and log-softmax over one axis: a fused row kernel with an explicit backward. Another
 * axis is moved last (one transpose copy each way).
 */
public final class Softmax {
    private Softmax() {
    }

    public static Tensor softmax(Tensor x, int axis) {
        return softmax("softmax", x, axis, false);
    }

    public static Tensor logSoftmax(Tensor x, int axis) {
        return softmax("logSoftmax", x, axis, true);
    }

    private static Tensor softmax(String op, Tensor x, int axis, boolean log) {
        OpChecks.notNull(op, "x", x);
        if (x.rank() == 0) {
            throw new IllegalArgumentException(op + ": needs rank >= 1, got a scalar");
        }
        int a = Shapes.axis(op, axis, x.rank());
        int last = x.rank() - 1;
        if (a != last) {
            return ShapeOps.transpose(softmaxLast(op, ShapeOps.transpose(x, a, last), log), a, last);
        }
        return softmaxLast(op, x, log);
    }

    // x: (rows, cols) with cols the last axis
    private static Tensor softmaxLast(String op, Tensor x, boolean log) {
        Backend be = x.backend();
        int cols = x.dim(-1);
        int rows = cols == 0 ? 0 : x.numel() / cols;
        Tensor out = Tensor.empty(be, x.shape());
        be.norms().softmax(out.storage(), x.storage(), rows, cols, log);
        return Autograd.record(op, out, dout -> {
            Tensor dx = Tensor.empty(be, x.shape());
            be.norms().softmaxBackward(dx.storage(), dout.storage(), out.storage(), rows, cols, log);
            Autograd.accumulateFresh(x, dx);
        }, x);
    }
}
