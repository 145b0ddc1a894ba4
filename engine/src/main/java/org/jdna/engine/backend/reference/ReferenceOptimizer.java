package org.jdna.engine.backend.reference;

import static org.jdna.engine.backend.HeapStorage.array;

import org.jdna.engine.backend.OptimizerKernels;
import org.jdna.engine.backend.Storage;

/**
 * AdamW as a plain loop in double.
 *
 * <p>Legend: p parameters, m and v the moments, g the gradient, t the step (from 1).
 */
final class ReferenceOptimizer implements OptimizerKernels {

    /**
     * m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr (m/(1-b1^t) / (sqrt(v/(1-b2^t)) + eps) + wd p),
     * all in double from the stored floats, the decay applied to the old p.
     */
    @Override
    public void adamw(Storage pS, Storage mS, Storage vS, Storage gS, int n, float lr, float beta1, float beta2,
                      float eps, float weightDecay, int step) {
        if (step < 1) {
            throw new IllegalArgumentException("adamw: step must be >= 1, got " + step);
        }
        float[] p = array(pS), m = array(mS), v = array(vS), g = array(gS);
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < n; i++) {
            double grad = g[i];
            double mi = beta1 * (double) m[i] + (1 - (double) beta1) * grad;
            double vi = beta2 * (double) v[i] + (1 - (double) beta2) * grad * grad;
            double update = (mi / correction1) / (Math.sqrt(vi / correction2) + eps) + weightDecay * (double) p[i];
            m[i] = (float) mi;
            v[i] = (float) vi;
            p[i] = (float) (p[i] - lr * update);
        }
    }
}
