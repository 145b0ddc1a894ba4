package org.jdna.dna.model;

import org.jdna.engine.tensor.Tensor;

/**
 * The Switch-Transformer load-balancing loss (Fedus et al. 2021), an option (docs/method.md section 1; the
 * paper uses none): per routed step, E * sum_i f_i * P_i, where f_i is the fraction of the step's N*K
 * routes that chose module i (identity modules included; no gradient) and P_i the mean router
 * probability of module i over the N tokens (with gradient). It is 1 when routing is uniform. The
 * model returns alpha times its mean over the routed steps, so alpha means the same for any S.
 */
final class SwitchLoss {
    private SwitchLoss() {
    }

    /** probs (N, E) with gradient, choices (N*K) -> scalar E * sum_i f_i P_i. */
    static Tensor stepTerm(Tensor probs, int[] choices, int modules) {
        float[] fraction = new float[modules];
        for (int c : choices) {
            fraction[c] += 1f;
        }
        for (int i = 0; i < modules; i++) {
            fraction[i] *= (float) modules / choices.length; // E * f_i
        }
        Tensor meanProbs = probs.mean(false, 0);                                   // (E)
        return meanProbs.mul(Tensor.of(probs.backend(), fraction, modules)).sum();  // scalar
    }
}
