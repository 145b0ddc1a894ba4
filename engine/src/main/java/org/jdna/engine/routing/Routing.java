package org.jdna.engine.routing;

import org.jdna.engine.autograd.Autograd;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.DispatchPlan;
import org.jdna.engine.tensor.Tensor;

/**
 * The routing ops with their gradients: top-k selection, and combine (the weighted scatter back to
 * token order). Dispatch itself is {@code Indexing.indexSelectRows(x, plan.tokenOfRow())}.
 *
 * <p>Legend: N tokens, E modules, K slots, D width, R dispatch rows.
 */
public final class Routing {
    private Routing() {
    }

    /**
     * Top-k of softmax(logits) (+ bias for the choice only). logits (N, E); bias (E) or null.
     * Gradient flows to the logits through the chosen weights only (none through the hard choice).
     */
    public static TopK topk(Tensor logits, float[] bias, int k, boolean renormalize) {
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("topk: logits must be (N, E), got " + logits.shapeString());
        }
        int n = logits.dim(0);
        int e = logits.dim(1);
        if (k < 1 || k > e) {
            throw new IllegalArgumentException("topk: K = " + k + " must be in [1, E = " + e + "]");
        }
        if (bias != null && bias.length != e) {
            throw new IllegalArgumentException("topk: bias has " + bias.length + " entries for E = " + e);
        }
        Backend be = logits.backend();
        int[] choices = new int[n * k];
        Tensor weights = Tensor.empty(be, n, k);
        Tensor probs = Tensor.empty(be, n, e);
        be.routing().topk(choices, weights.storage(), probs.storage(), logits.storage(), bias, n, e, k, renormalize);
        Autograd.record("topk", weights, dw -> {
            Tensor dlogits = Tensor.empty(be, n, e);
            be.routing().topkBackward(dlogits.storage(), dw.storage(), probs.storage(), choices, n, e, k, renormalize);
            Autograd.accumulateFresh(logits, dlogits);
        }, logits);
        return new TopK(choices, weights, probs, k);
    }

    /**
     * out (N, D) = sum over slots j of weights[t, j] * y[slotRow[t, j]] (slots with row -1 add
     * nothing). y (R, D) is the module outputs in dispatch order, weights (N, K).
     */
    public static Tensor combine(Tensor y, Tensor weights, DispatchPlan plan) {
        int n = plan.tokens();
        int k = plan.k();
        if (y.rank() != 2 || y.dim(0) != plan.rows()) {
            throw new IllegalArgumentException("combine: module outputs " + y.shapeString() + " must be (R = "
                    + plan.rows() + ", D)");
        }
        if (weights.rank() != 2 || weights.dim(0) != n || weights.dim(1) != k) {
            throw new IllegalArgumentException("combine: weights " + weights.shapeString() + " must be (N = " + n
                    + ", K = " + k + ")");
        }
        if (y.backend() != weights.backend()) {
            throw new IllegalArgumentException("combine: y on " + y.backend().name() + ", weights on "
                    + weights.backend().name());
        }
        Backend be = y.backend();
        int d = y.dim(1);
        int[] slotRow = plan.slotRow();
        Tensor out = Tensor.empty(be, n, d);
        be.routing().combine(out.storage(), y.storage(), weights.storage(), slotRow, n, k, d);
        return Autograd.record("combine", out, dout -> {
            Tensor dy = Tensor.zeros(be, y.shape());
            Tensor dw = Tensor.empty(be, n, k);
            be.routing().combineBackward(dy.storage(), dw.storage(), dout.storage(), y.storage(), weights.storage(),
                    slotRow, n, k, d);
            Autograd.accumulateFresh(y, dy);
            Autograd.accumulateFresh(weights, dw);
        }, y, weights);
    }

    /**
     * The total weight each token gives to non-skipped modules: (N, 1) = sum_j weights[t, j] over
     * slots with slotRow != -1. Needed by the DNA update h + sum rho (M(h) - h), whose "- h" term
     * is h times this sum. A mask multiply, so autograd is the usual one.
     */
    public static Tensor routedWeightSum(Tensor weights, DispatchPlan plan) {
        int n = plan.tokens();
        int k = plan.k();
        float[] mask = new float[n * k];
        int[] slotRow = plan.slotRow();
        for (int s = 0; s < mask.length; s++) {
            mask[s] = slotRow[s] >= 0 ? 1f : 0f;
        }
        Tensor m = Tensor.of(weights.backend(), mask, n, k);
        return weights.mul(m).sum(true, 1);
    }

    /** Module usage: fraction of the N*K routes that chose each module. */
    public static double[] usage(int[] choices, int modules) {
        double[] u = new double[modules];
        for (int c : choices) {
            u[c]++;
        }
        for (int i = 0; i < modules; i++) {
            u[i] /= Math.max(1, choices.length);
        }
        return u;
    }
}
