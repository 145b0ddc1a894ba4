package org.jdna.dna.train;

import org.jdna.dna.model.RoutingTrace;

/**
 * What one optimizer step did.
 *
 * @param step     1-based step number (the checkpoint after it is step-{@code step})
 * @param loss     the batch's cross-entropy (the aux loss not included)
 * @param auxLoss  the Switch load-balancing loss added to it, 0 when off
 * @param lr       learning rate used
 * @param gradNorm global gradient L2 norm before clipping
 * @param trace    the routing decisions of the batch (the controller has already been updated from them)
 * @param tokens   tokens processed (B*T, or B*patches)
 * @param nanos    wall time of the step (forward, backward, clipping, AdamW, controller)
 */
public record StepResult(long step, double loss, double auxLoss, double lr, double gradNorm, RoutingTrace trace,
                         int tokens, long nanos) {
    public double tokensPerSecond() {
        return nanos == 0 ? 0 : tokens * 1e9 / nanos;
    }
}
