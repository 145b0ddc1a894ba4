package org.jdna.dna.model;

import org.jdna.engine.tensor.Tensor;

/**
 * One forward pass.
 *
 * @param logits  language: (B*T, V) next-token logits; vision: (B, classes)
 * @param auxLoss scalar Switch load-balancing loss already multiplied by alpha, or null when alpha = 0
 * @param trace   the routing decisions (an empty step list when the model has no routed steps)
 */
public record ModelOutput(Tensor logits, Tensor auxLoss, RoutingTrace trace) {}
