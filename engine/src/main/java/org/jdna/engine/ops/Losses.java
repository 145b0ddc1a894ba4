package org.jdna.engine.ops;

import org.jdna.engine.autograd.Autograd;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.ReduceOp;
import org.jdna.engine.backend.UnaryOp;
import org.jdna.engine.tensor.Tensor;

/** Loss functions (fused cross-entropy forward/backward on the backend). */
public final class Losses {
    private Losses() {
    }

    /**
     * Mean cross-entropy of logits (N, C) (or (..., C), flattened to rows) against targets (N);
     * rows whose target is {@code ignoreIndex} are excluded from the mean. When every row is
     * ignored the loss is 0 (and so is its gradient), so a fully padded batch does not poison
     * training with NaN.
     */
    public static Tensor crossEntropy(Tensor logits, int[] targets, int ignoreIndex) {
        String op = "crossEntropy";
        OpChecks.notNull(op, "logits", logits);
        OpChecks.notNull(op, "targets", targets);
        OpChecks.minRank(op, "logits (N, C)", logits, 2);
        int cols = logits.dim(-1);
        int rows = OpChecks.prod(logits.shape(), 0, logits.rank() - 1);
        if (targets.length != rows) {
            throw new IllegalArgumentException(op + ": " + targets.length + " targets for logits " + logits.shapeString()
                    + " (" + rows + " rows)");
        }
        int counted = 0;
        for (int i = 0; i < rows; i++) {
            if (targets[i] == ignoreIndex) {
                continue;
            }
            if (targets[i] < 0 || targets[i] >= cols) {
                throw new IllegalArgumentException(op + ": targets[" + i + "] = " + targets[i] + " is out of range [0, "
                        + cols + ") for logits " + logits.shapeString() + " (ignoreIndex " + ignoreIndex + ")");
            }
            counted++;
        }
        int[] t = targets.clone();
        Backend be = logits.backend();
        Tensor losses = Tensor.empty(be, rows);
        be.norms().crossEntropy(losses.storage(), logits.storage(), t, rows, cols, ignoreIndex);
        float scale = counted == 0 ? 0f : 1f / counted;
        Tensor out = Tensor.zeros(be);
        be.reductions().reduce(ReduceOp.SUM, out.storage(), losses.storage(), 1, rows, 1);
        be.elementwise().unary(UnaryOp.MUL_SCALAR, out.storage(), out.storage(), 1, scale);
        return Autograd.record(op, out, dout -> {
            // every counted row gets dloss = dout / counted
            Tensor dlosses = Tensor.empty(be, rows);
            be.elementwise().copyStrided(dlosses.storage(), dout.storage(), 0, new int[]{rows}, new int[]{0});
            be.elementwise().unary(UnaryOp.MUL_SCALAR, dlosses.storage(), dlosses.storage(), rows, scale);
            Tensor dlogits = Tensor.empty(be, logits.shape());
            be.norms().crossEntropyBackward(dlogits.storage(), dlosses.storage(), logits.storage(), t, rows, cols,
                    ignoreIndex);
            Autograd.accumulateFresh(logits, dlogits);
        }, logits);
    }
}
