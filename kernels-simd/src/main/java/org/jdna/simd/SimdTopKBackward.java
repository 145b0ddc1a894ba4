package org.jdna.simd;

/**
 * Router top-k backward over a range of rows: the body behind {@link SimdRouting#topkBackward}.
 * The gradient flows through the weights only (none through the hard choice).
 *
 * <p>Legend: E experts, K picks per row; row r of probs/dlogits is [r*E, r*E + E), its picks
 * indices/dweights [r*K, r*K + K).
 */
final class SimdTopKBackward {
    private SimdTopKBackward() {
    }

    /**
     * Rows [from, to) of topkBackward. Only the K picked experts have dprobs != 0, so
     * s = sum(dprobs * p) is a sum over the picks (in double, as the reference), the row is
     * dlogits = p * (-s) in one vector pass, and the picked entries are then set to
     * p * (dprobs - s), duplicates of an index summed in pick order.
     */
    static void topkBackwardRange(float[] dlogits, float[] dweights, float[] probs, int[] indices,
                                  int experts, int k, boolean renormalize, int from, int to) {
        for (int r = from; r < to; r++) {
            int base = r * experts;
            int at = r * k;
            double chosenSum = 0;
            double dotWeights = 0;
            if (renormalize) {
                for (int j = 0; j < k; j++) {
                    chosenSum += probs[base + indices[at + j]];
                }
                for (int j = 0; j < k; j++) {
                    dotWeights += (double) dweights[at + j] * (probs[base + indices[at + j]] / chosenSum);
                }
            }
            double s = 0;
            for (int j = 0; j < k; j++) {
                s += dprob(dweights[at + j], dotWeights, chosenSum, renormalize) * probs[base + indices[at + j]];
            }
            VectorOps.scaleShift(dlogits, base, probs, base, experts, (float) -s, 0f);
            for (int j = 0; j < k; j++) {
                int e = indices[at + j];
                double dp = 0;
                for (int i = 0; i < k; i++) {
                    if (indices[at + i] == e) {
                        dp += dprob(dweights[at + i], dotWeights, chosenSum, renormalize);
                    }
                }
                dlogits[base + e] = (float) (probs[base + e] * (dp - s));
            }
        }
    }

    /** d(loss)/d(prob) of one pick: its dweight, or through the renormalisation w = p / sum. */
    private static double dprob(float dweight, double dotWeights, double chosenSum, boolean renormalize) {
        return renormalize ? (dweight - dotWeights) / chosenSum : dweight;
    }
}
