package org.jdna.dna.model;

/**
 * What the router of one routed step decided for a batch of N = B*T tokens (or B*P patches).
 *
 * @param modules       (N, K) row-major: the chosen module indices of each token, best first
 * @param weights       (N, K) row-major: the combination weights rho of those choices
 * @param identityBias  (E) the controller's selection bias at this step when the batch ran (0 for non-identity modules)
 */
public record StepRoutes(int[] modules, float[] weights, float[] identityBias) {
    public StepRoutes {
        if (modules.length != weights.length) {
            throw new IllegalArgumentException("StepRoutes: modules has " + modules.length + " entries, weights "
                    + weights.length + "; both must be (N, K)");
        }
    }
}
