package org.jdna.dna.model;

import org.jdna.dna.modules.Pool;
import org.jdna.engine.routing.DispatchPlan;
import org.jdna.engine.routing.Routing;
import org.jdna.engine.routing.TopK;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;

/**
 * One routed step (dna-notes section 1, the paper's Eq. 1): route, dispatch, run the modules on
 * their rows, combine:
 * <pre>
 *   h(s+1, t) = h(s, t) + sum over chosen i of rho_i * (M_i(h)[t] - h(s, t))
 *             = h(s, t) * (1 - sum over chosen non-identity i of rho_i) + sum over those i of rho_i * M_i(h)[t]
 * </pre>
 * The second form is what runs: an identity choice contributes exactly nothing (its slot is not
 * dispatched and not counted in the weight sum), so a token whose every choice is an identity keeps
 * h bit for bit.
 *
 * <p>Legend: N tokens, D width, E modules, K choices, R dispatch rows, T tokens per sequence.
 *
 * @param pool        the shared modules
 * @param topK        K
 * @param renormalize combine with rho renormalised over the chosen K
 * @param seqLen      T (sequences are laid out one after another, T tokens each)
 * @param causal      causal attention on original positions (language) or not (vision)
 */
record RoutedStep(Pool pool, int topK, boolean renormalize, int seqLen, boolean causal) {

    /**
     * @param h        the state after the step, (N, D)
     * @param routes   the decisions, for the trace
     * @param probs    softmax(logits) (N, E) with gradient when the load-balancing loss needs it, else null
     */
    record Result(Tensor h, StepRoutes routes, Tensor probs) {}

    /**
     * Runs step s. {@code bias} (E) is the identity bias of this step (selection only); {@code noise}
     * is null unless Gumbel noise is on; {@code wantProbs} asks for softmax(logits) with gradient.
     */
    Result run(Router router, Tensor h, float[] bias, Rng noise, double noiseScale, boolean wantProbs) {
        int n = h.dim(0);
        Tensor logits = router.logits(h);                                              // (N, E)
        TopK top = RouterSelection.select(logits, bias, topK, renormalize, noise, noiseScale);
        DispatchPlan plan = DispatchPlan.build(top.choices(), n, topK, pool.size(), pool.identityMask());
        Tensor y = PoolDispatch.run(pool, h, plan, seqLen, causal);                   // (R, D) or null
        Tensor next = h;
        if (y != null) {
            Tensor mixed = Routing.combine(y, top.weights(), plan);                   // (N, D)
            Tensor keep = Routing.routedWeightSum(top.weights(), plan).neg().add(1f); // (N, 1)
            next = h.mul(keep).add(mixed);
        }
        StepRoutes routes = new StepRoutes(top.choices(), top.weights().toArray(), bias.clone());
        return new Result(next, routes, wantProbs ? logits.softmax(1) : null);
    }
}
