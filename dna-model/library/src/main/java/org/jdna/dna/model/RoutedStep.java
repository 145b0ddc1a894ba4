package org.jdna.dna.model;

import org.jdna.engine.backend.DispatchPlan;
import org.jdna.engine.routing.Routing;
import org.jdna.engine.routing.TopK;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;

/**
 * One routed step (docs/method.md section 1, the paper's Eq. 1): route, dispatch, run the modules on
 * their rows, combine:
 * <pre>
 *   h(s+1, t) = h(s, t) + sum over chosen i of w_i * (M_i(h)[t] - h(s, t))
 *             = h(s, t) * (1 - sum over chosen non-identity i of w_i) + sum over those i of w_i * M_i(h)[t]
 * </pre>
 * with w_i = rho_i (Eq. 1), or with straight-through weights w_i = rho_i - stop_gradient(rho_i) + 1,
 * which are exactly 1 in the forward pass (h = M_i(h) for one chosen module) and carry rho's gradient.
 * The second form is what runs: an identity choice contributes exactly nothing (its slot is not
 * dispatched and not counted in the weight sum), so a token whose every choice is an identity keeps
 * h bit for bit.
 *
 * <p>The router scores only the step's allowed modules ({@code allowed}, local index j is pool module
 * allowed[j]); choices are mapped back to pool indices before dispatch. With sticky exits a token that
 * exited at an earlier step takes the step's first allowed identity module on every slot.
 *
 * <p>Legend: N tokens, D width, E modules, E_s modules allowed at this step, K choices, R dispatch rows,
 * T tokens per sequence.
 *
 * @param pool            the shared modules
 * @param topK            K
 * @param renormalize     combine with rho renormalised over the chosen K
 * @param straightThrough forward weight 1, gradient of rho
 * @param seqLen          T (sequences are laid out one after another, T tokens each)
 * @param causal          causal attention on original positions (language) or not (vision)
 */
record RoutedStep(Pool pool, int topK, boolean renormalize, boolean straightThrough, int seqLen, boolean causal) {

    /**
     * @param h            the state after the step, (N, D)
     * @param routes       the decisions (pool indices), for the trace
     * @param probs        softmax(logits) (N, E_s) with gradient when the load-balancing loss needs it, else null
     * @param localChoices the choices as indices into {@code allowed}, (N*K)
     * @param exited       tokens that have exited after this step (null without sticky exits)
     */
    record Result(Tensor h, StepRoutes routes, Tensor probs, int[] localChoices, boolean[] exited) {}

    /**
     * Runs step s over its {@code allowed} modules. {@code bias} (E) is the selection bias of this step
     * (pool indices); {@code exited} (N) marks tokens that exited earlier, or is null without sticky exits;
     * {@code noise} is null unless Gumbel noise is on; {@code wantProbs} asks for softmax(logits) with gradient.
     */
    Result run(Router router, int[] allowed, Tensor h, float[] bias, boolean[] exited, Rng noise, double noiseScale,
               boolean wantProbs) {
        int n = h.dim(0);
        Tensor logits = router.logits(h);                                              // (N, E_s)
        float[] localBias = new float[allowed.length];
        for (int j = 0; j < allowed.length; j++) {
            localBias[j] = bias[allowed[j]];
        }
        TopK top = RouterSelection.select(logits, localBias, topK, renormalize, noise, noiseScale);
        int[] local = top.choices().clone();
        boolean[] nowExited = exited == null ? null : exit(local, allowed, exited);
        int[] choices = new int[local.length];
        for (int i = 0; i < local.length; i++) {
            choices[i] = allowed[local[i]];
        }
        Tensor weights = straightThrough ? top.weights().sub(top.weights().detach()).add(1f) : top.weights(); // (N, K)
        DispatchPlan plan = DispatchPlan.build(choices, n, topK, pool.size(), pool.identityMask());
        Tensor y = PoolDispatch.run(pool, h, plan, seqLen, causal);                   // (R, D) or null
        Tensor next = h;
        if (y != null) {
            Tensor mixed = Routing.combine(y, weights, plan);                         // (N, D)
            Tensor keep = Routing.routedWeightSum(weights, plan).neg().add(1f);       // (N, 1)
            next = h.mul(keep).add(mixed);
        }
        StepRoutes routes = new StepRoutes(choices, weights.toArray(), bias.clone());
        return new Result(next, routes, wantProbs ? logits.softmax(1) : null, local, nowExited);
    }

    // Sticky exits: tokens that exited before take the first allowed identity; tokens whose every choice is an
    // identity exit now. Rewrites local (N*K) in place; returns the exited mask after this step.
    private boolean[] exit(int[] local, int[] allowed, boolean[] exited) {
        int exitSlot = -1;
        for (int j = 0; j < allowed.length && exitSlot < 0; j++) {
            if (pool.kind(allowed[j]).isIdentity()) {
                exitSlot = j;
            }
        }
        boolean[] now = exited.clone();
        for (int t = 0; t < exited.length; t++) {
            if (exited[t] && exitSlot >= 0) {
                for (int k = 0; k < topK; k++) {
                    local[t * topK + k] = exitSlot;
                }
            } else if (!exited[t]) {
                boolean all = true;
                for (int k = 0; k < topK; k++) {
                    all &= pool.kind(allowed[local[t * topK + k]]).isIdentity();
                }
                now[t] = all;
            }
        }
        return now;
    }
}
