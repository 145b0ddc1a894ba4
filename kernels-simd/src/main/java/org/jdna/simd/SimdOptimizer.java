package org.jdna.simd;

import static org.jdna.engine.backend.HeapStorage.array;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.jdna.engine.backend.OptimizerKernels;
import org.jdna.engine.backend.Storage;

/**
 * The fused AdamW update, one pass over p, m, v and g, split over the pool in contiguous ranges.
 * Each element's update reads only its own values, so the split never changes a result.
 */
final class SimdOptimizer implements OptimizerKernels {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = SimdConfig.LANES;
    private static final int GRAIN = 1 << 13;

    private final Parallel parallel;

    SimdOptimizer(Parallel parallel) {
        this.parallel = parallel;
    }

    /**
     * m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr (m/(1-b1^t) / (sqrt(v/(1-b2^t)) + eps) + wd p),
     * the decay applied to the old p. The bias corrections are computed once in double.
     */
    @Override
    public void adamw(Storage pS, Storage mS, Storage vS, Storage gS, int n, float lr, float beta1, float beta2,
                      float eps, float weightDecay, int step) {
        float[] p = array(pS), m = array(mS), v = array(vS), g = array(gS);
        if (step < 1) {
            throw new IllegalArgumentException("adamw: step must be >= 1, got " + step);
        }
        float invCorrection1 = (float) (1 / (1 - Math.pow(beta1, step)));
        float invSqrtCorrection2 = (float) (1 / Math.sqrt(1 - Math.pow(beta2, step)));
        float oneMinusB1 = (float) (1 - (double) beta1);
        float oneMinusB2 = (float) (1 - (double) beta2);
        parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            if (S != null) {
                FloatVector b1 = FloatVector.broadcast(S, beta1);
                FloatVector b2 = FloatVector.broadcast(S, beta2);
                for (int up = from + S.loopBound(to - from); i < up; i += L) {
                    FloatVector gv = FloatVector.fromArray(S, g, i);
                    FloatVector pv = FloatVector.fromArray(S, p, i);
                    FloatVector mi = FloatVector.fromArray(S, m, i).fma(b1, gv.mul(oneMinusB1));
                    FloatVector vi = FloatVector.fromArray(S, v, i).fma(b2, gv.mul(gv).mul(oneMinusB2));
                    FloatVector denom = vi.sqrt().mul(invSqrtCorrection2).add(eps);
                    FloatVector update = mi.mul(invCorrection1).div(denom).add(pv.mul(weightDecay));
                    mi.intoArray(m, i);
                    vi.intoArray(v, i);
                    update.fma(FloatVector.broadcast(S, -lr), pv).intoArray(p, i);
                }
            }
            for (; i < to; i++) {
                float gi = g[i];
                float mi = Math.fma(m[i], beta1, gi * oneMinusB1);
                float vi = Math.fma(v[i], beta2, gi * gi * oneMinusB2);
                float update = (mi * invCorrection1) / ((float) Math.sqrt(vi) * invSqrtCorrection2 + eps)
                        + weightDecay * p[i];
                m[i] = mi;
                v[i] = vi;
                p[i] = Math.fma(update, -lr, p[i]);
            }
        });
    }
}
