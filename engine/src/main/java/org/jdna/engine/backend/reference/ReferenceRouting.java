package org.jdna.engine.backend.reference;

import static org.jdna.engine.backend.HeapStorage.array;
import static org.jdna.engine.backend.reference.ReferenceIndexing.checkedIndex;
import static org.jdna.engine.backend.reference.ReferenceIndexing.checkedRow;

import org.jdna.engine.backend.RoutingKernels;
import org.jdna.engine.backend.Storage;

/**
 * Router top-k and the weighted combine, forward and backward. Indices are checked as
 * {@link ReferenceIndexing} checks them; sums run in double in the specified order.
 *
 * <p>Legend: R rows (tokens), E experts/modules, K top-k, W row width, T tokens of a combine.
 */
final class ReferenceRouting implements RoutingKernels {
    private static final ReferenceNorms SOFTMAX = new ReferenceNorms();

    // ---------------------------------------------------------------- top-k

    /**
     * probs (R, E) = softmax(logits); per row the K largest of score = probs + bias (float sum),
     * by repeated arg-max with strict '>' (ties go to the lower index), so in descending order.
     * weights (R, K) = the chosen probs, divided by their (double) sum when renormalize.
     */
    @Override
    public void topk(int[] indices, Storage weightsS, Storage probsS, Storage logitsS, float[] bias, int rows,
                     int experts, int k, boolean renormalize) {
        float[] weights = array(weightsS), probs = array(probsS), logits = array(logitsS);
        SOFTMAX.softmax(probsS, logitsS, rows, experts, false);
        float[] score = new float[experts];
        boolean[] taken = new boolean[experts];
        for (int r = 0; r < rows; r++) {
            int base = r * experts;
            for (int e = 0; e < experts; e++) {
                if (Float.isNaN(logits[base + e])) {
                    throw new ArithmeticException("topk: NaN in row " + r + " at expert " + e + " (logit "
                            + logits[base + e] + ")");
                }
            }
            for (int e = 0; e < experts; e++) {
                score[e] = bias == null ? probs[base + e] : probs[base + e] + bias[e];
                if (Float.isNaN(score[e])) {
                    throw new ArithmeticException("topk: NaN in row " + r + " at expert " + e + " (logit "
                            + logits[base + e] + ", prob " + probs[base + e]
                            + (bias == null ? "" : ", bias " + bias[e]) + ")");
                }
                taken[e] = false;
            }
            double chosenSum = 0;
            for (int j = 0; j < k; j++) {
                int best = -1;
                for (int e = 0; e < experts; e++) {
                    if (!taken[e] && (best < 0 || score[e] > score[best])) {
                        best = e;
                    }
                }
                taken[best] = true;
                indices[r * k + j] = best;
                chosenSum += probs[base + best];
            }
            for (int j = 0; j < k; j++) {
                double p = probs[base + indices[r * k + j]];
                weights[r * k + j] = (float) (renormalize ? p / chosenSum : p);
            }
        }
    }

    /**
     * Through the weights only. dprobs[e] = sum over j with indices[j] == e of dw'[j], where
     * dw' = dweights, or with renormalization (w_j = p_j / S, S = sum of chosen p):
     * dw'_j = (dweights_j - sum_l dweights_l * w_l) / S. Then dlogits = p * (dprobs - sum(dprobs * p)).
     */
    @Override
    public void topkBackward(Storage dlogitsS, Storage dweightsS, Storage probsS, int[] indices, int rows,
                             int experts, int k, boolean renormalize) {
        float[] dlogits = array(dlogitsS), dweights = array(dweightsS), probs = array(probsS);
        double[] dprobs = new double[experts];
        for (int r = 0; r < rows; r++) {
            int base = r * experts;
            java.util.Arrays.fill(dprobs, 0.0);
            double chosenSum = 0;
            for (int j = 0; j < k; j++) {
                chosenSum += probs[base + checkedIndex("topkBackward", indices[r * k + j], r * k + j, experts)];
            }
            double dotWeights = 0;
            if (renormalize) {
                for (int j = 0; j < k; j++) {
                    dotWeights += (double) dweights[r * k + j] * (probs[base + indices[r * k + j]] / chosenSum);
                }
            }
            for (int j = 0; j < k; j++) {
                double g = dweights[r * k + j];
                dprobs[indices[r * k + j]] += renormalize ? (g - dotWeights) / chosenSum : g;
            }
            double s = 0;
            for (int e = 0; e < experts; e++) {
                s += dprobs[e] * probs[base + e];
            }
            for (int e = 0; e < experts; e++) {
                dlogits[base + e] = (float) (probs[base + e] * (dprobs[e] - s));
            }
        }
    }

    // ---------------------------------------------------------------- combine

    /** out[t, :] = sum_j weights[t, j] * y[slotRows[t, j], :], skipping -1 slots, j = 0..K-1 in double. */
    @Override
    public void combine(Storage outS, Storage yS, Storage weightsS, int[] slotRows, int tokens, int k, int width) {
        float[] out = array(outS), y = array(yS), weights = array(weightsS);
        int yLength = yS.length();
        double[] acc = new double[width];
        for (int t = 0; t < tokens; t++) {
            java.util.Arrays.fill(acc, 0.0);
            for (int j = 0; j < k; j++) {
                int slot = slotRows[t * k + j];
                if (slot == -1) {
                    continue;
                }
                checkedRow("combine", slot, t * k + j, yLength, width);
                double w = weights[t * k + j];
                for (int c = 0; c < width; c++) {
                    acc[c] += w * y[slot * width + c];
                }
            }
            for (int c = 0; c < width; c++) {
                out[t * width + c] = (float) acc[c];
            }
        }
    }

    /** dy[slot, :] = weights[t, j] * dout[t, :]; dweights[t, j] = dout[t, :] . y[slot, :] (0 for -1). */
    @Override
    public void combineBackward(Storage dyS, Storage dweightsS, Storage doutS, Storage yS, Storage weightsS,
                                int[] slotRows, int tokens, int k, int width) {
        float[] dy = array(dyS), dweights = array(dweightsS), dout = array(doutS), y = array(yS),
                weights = array(weightsS);
        int yLength = yS.length();
        for (int t = 0; t < tokens; t++) {
            for (int j = 0; j < k; j++) {
                int slot = slotRows[t * k + j];
                if (slot == -1) {
                    dweights[t * k + j] = 0f;
                    continue;
                }
                checkedRow("combineBackward", slot, t * k + j, yLength, width);
                double w = weights[t * k + j];
                double dot = 0;
                for (int c = 0; c < width; c++) {
                    dy[slot * width + c] = (float) (w * dout[t * width + c]);
                    dot += (double) dout[t * width + c] * y[slot * width + c];
                }
                dweights[t * k + j] = (float) dot;
            }
        }
    }
}
