package org.jdna.engine.routing;

import org.jdna.engine.tensor.Tensor;

/**
 * A router's decision for N tokens: {@code choices} (N*K, module of token t slot j at t*K+j, in
 * descending order of the biased score), {@code weights} (N, K) the combination weights (connected
 * to the router logits for autograd) and {@code probs} (N, E) the full softmax (no gradient; for
 * statistics and the load-balancing loss).
 */
public record TopK(int[] choices, Tensor weights, Tensor probs, int k) {
}
