package org.jdna.dna.model;

import org.jdna.engine.ops.Indexing;
import org.jdna.engine.routing.Routing;
import org.jdna.engine.routing.TopK;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;

/**
 * Top-k selection of one step (docs/method.md section 1): the K largest of rho + b, where rho =
 * softmax(logits) and b is the identity bias (selection only). The combination weights are rho of the
 * chosen modules (renormalised over them on request) and carry the router's gradient; the hard
 * choice carries none.
 *
 * <p>Without noise this is the fused {@link Routing#topk}. With Gumbel noise (training only) the
 * choice is made on the host from softmax(logits + scale * g) + b, g ~ Gumbel(0, 1) per token and
 * module (with scale 1 and b = 0 that samples K modules without replacement from rho), while the
 * weights stay the noise-free rho of the chosen modules.
 *
 * <p>Legend: N tokens, E modules, K choices per token.
 */
final class RouterSelection {
    private RouterSelection() {
    }

    /** logits (N, E); bias (E) or null; noise null for none. */
    static TopK select(Tensor logits, float[] bias, int k, boolean renormalize, Rng noise, double noiseScale) {
        if (noise == null || noiseScale == 0) {
            return Routing.topk(logits, bias, k, renormalize);
        }
        int n = logits.dim(0);
        int e = logits.dim(1);
        int[] choices = noisyChoices(logits.toArray(), bias, n, e, k, noise, noiseScale);
        Tensor probs = logits.softmax(1);                               // (N, E)
        Tensor weights = Indexing.gather(probs, 1, choices, k);         // (N, K)
        if (renormalize) {
            weights = weights.div(weights.sum(true, 1));
        }
        return new TopK(choices, weights, probs.detach(), k);
    }

    // Per row: scores = softmax(logits + scale * gumbel) + bias; the K best, descending, ties by lower index.
    private static int[] noisyChoices(float[] logits, float[] bias, int n, int e, int k, Rng rng, double scale) {
        int[] choices = new int[n * k];
        double[] score = new double[e];
        for (int t = 0; t < n; t++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < e; i++) {
                if (Float.isNaN(logits[t * e + i])) {
                    throw new ArithmeticException("topk (gumbel noise): router logit of token " + t + ", module " + i
                            + " is NaN");
                }
                double u = rng.nextDouble();
                double g = -Math.log(-Math.log(Math.max(u, Double.MIN_NORMAL)));
                score[i] = logits[t * e + i] + scale * g;
                max = Math.max(max, score[i]);
            }
            double sum = 0;
            for (int i = 0; i < e; i++) {
                score[i] = Math.exp(score[i] - max);
                sum += score[i];
            }
            for (int i = 0; i < e; i++) {
                score[i] = score[i] / sum + (bias == null ? 0 : bias[i]);
            }
            for (int j = 0; j < k; j++) {
                int best = -1;
                for (int i = 0; i < e; i++) {
                    if (!taken(choices, t * k, j, i) && (best < 0 || score[i] > score[best])) {
                        best = i;
                    }
                }
                choices[t * k + j] = best;
            }
        }
        return choices;
    }

    private static boolean taken(int[] choices, int start, int count, int module) {
        for (int j = 0; j < count; j++) {
            if (choices[start + j] == module) {
                return true;
            }
        }
        return false;
    }
}
