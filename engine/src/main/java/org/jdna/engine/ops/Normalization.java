package org.jdna.engine.ops;

import org.jdna.engine.autograd.Autograd;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.tensor.Tensor;

/**
 * LayerNorm and RMSNorm over the last axis: fused forward/backward pairs; the forward saves the
 * per-row statistics (mean, rstd) that the backward reuses.
 */
public final class Normalization {
    private Normalization() {
    }

    /** x (..., C), w (C) and b (C) may be null. */
    public static Tensor layerNorm(Tensor x, Tensor w, Tensor b, float eps) {
        String op = "layerNorm";
        Backend be = checkArgs(op, x, w, b, eps);
        int cols = x.dim(-1);
        int rows = OpChecks.prod(x.shape(), 0, x.rank() - 1);
        Tensor out = Tensor.empty(be, x.shape());
        Tensor mean = Tensor.empty(be, rows);
        Tensor rstd = Tensor.empty(be, rows);
        be.norms().layerNorm(out.storage(), mean.storage(), rstd.storage(), x.storage(), storageOrNull(w),
                storageOrNull(b), rows, cols, eps);
        return Autograd.record(op, out, dout -> {
            Tensor dx = Tensor.empty(be, x.shape());
            Tensor dw = w != null && w.requiresGrad() ? Tensor.empty(be, cols) : null;
            Tensor db = b != null && b.requiresGrad() ? Tensor.empty(be, cols) : null;
            be.norms().layerNormBackward(dx.storage(), storageOrNull(dw), storageOrNull(db), dout.storage(),
                    x.storage(), storageOrNull(w), mean.storage(), rstd.storage(), rows, cols);
            Autograd.accumulateFresh(x, dx);
            if (dw != null) {
                Autograd.accumulateFresh(w, dw);
            }
            if (db != null) {
                Autograd.accumulateFresh(b, db);
            }
        }, x, w, b);
    }

    /** x (..., C), w (C) may be null: out = x / sqrt(mean(x^2) + eps) * w. */
    public static Tensor rmsNorm(Tensor x, Tensor w, float eps) {
        String op = "rmsNorm";
        Backend be = checkArgs(op, x, w, null, eps);
        int cols = x.dim(-1);
        int rows = OpChecks.prod(x.shape(), 0, x.rank() - 1);
        Tensor out = Tensor.empty(be, x.shape());
        Tensor rstd = Tensor.empty(be, rows);
        be.norms().rmsNorm(out.storage(), rstd.storage(), x.storage(), storageOrNull(w), rows, cols, eps);
        return Autograd.record(op, out, dout -> {
            Tensor dx = Tensor.empty(be, x.shape());
            Tensor dw = w != null && w.requiresGrad() ? Tensor.empty(be, cols) : null;
            be.norms().rmsNormBackward(dx.storage(), storageOrNull(dw), dout.storage(), x.storage(), storageOrNull(w),
                    rstd.storage(), rows, cols);
            Autograd.accumulateFresh(x, dx);
            if (dw != null) {
                Autograd.accumulateFresh(w, dw);
            }
        }, x, w);
    }

    private static Backend checkArgs(String op, Tensor x, Tensor w, Tensor b, float eps) {
        OpChecks.notNull(op, "x", x);
        Backend be = OpChecks.sameBackend(op, x, w, b);
        OpChecks.minRank(op, "x", x, 1);
        int cols = x.dim(-1);
        if (w != null) {
            OpChecks.shape(op, "weight (x " + x.shapeString() + ")", w, cols);
        }
        if (b != null) {
            OpChecks.shape(op, "bias (x " + x.shapeString() + ")", b, cols);
        }
        if (!(eps >= 0f)) {
            throw new IllegalArgumentException(op + ": eps must be >= 0, got " + eps);
        }
        return be;
    }

    private static org.jdna.engine.backend.Storage storageOrNull(Tensor t) {
        return t == null ? null : t.storage();
    }
}
