package org.jdna.engine.optim;

import org.jdna.engine.backend.UnaryOp;
import org.jdna.engine.tensor.Tensor;

/** Gradient clipping by the global L2 norm over all parameters (parameters without a gradient are skipped). */
public final class GradClip {
    private GradClip() {
    }

    /** sqrt of the sum of squares of every gradient, accumulated in double. */
    public static double globalNorm(Iterable<Tensor> params) {
        double sum = 0;
        for (Tensor p : params) {
            Tensor g = p.grad();
            if (g != null) {
                sum += g.backend().reductions().sumOfSquares(g.storage(), 0, g.numel());
            }
        }
        return Math.sqrt(sum);
    }

    /**
     * Scales every gradient by maxNorm / norm when the global norm exceeds maxNorm, so the norm
     * becomes maxNorm. Returns the norm before clipping. A non-finite norm is returned as is and
     * nothing is scaled (the caller decides: a trainer stops on it).
     */
    public static double clipGlobalNorm(Iterable<Tensor> params, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("clipGlobalNorm: maxNorm must be positive, got " + maxNorm);
        }
        double norm = globalNorm(params);
        if (!Double.isFinite(norm) || norm <= maxNorm) {
            return norm;
        }
        float scale = (float) (maxNorm / norm);
        for (Tensor p : params) {
            Tensor g = p.grad();
            if (g != null) {
                g.backend().elementwise().unary(UnaryOp.MUL_SCALAR, g.storage(), g.storage(), g.numel(), scale);
            }
        }
        return norm;
    }
}
