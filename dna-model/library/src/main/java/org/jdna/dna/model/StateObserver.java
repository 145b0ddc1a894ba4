package org.jdna.dna.model;

import org.jdna.engine.tensor.Tensor;

/**
 * Sees the residual stream during a forward pass, for analysis (e.g. the residual ratio
 * |f(x)| / |x + f(x)| of Radial Networks, or probing the state after each step). Called with
 * h (N, D), N = B * L rows in sequence order: after the input node ({@link Stage#INPUT}, index 0),
 * after backbone block i ({@link Stage#BACKBONE}, i) and after routed step s ({@link Stage#STEP}, s).
 * The tensor is the live one (part of the autograd graph when recording): read it, do not modify it.
 */
@FunctionalInterface
public interface StateObserver {
    enum Stage { INPUT, BACKBONE, STEP }

    void state(Stage stage, int index, Tensor h);

    /** Observes nothing. */
    StateObserver NONE = (stage, index, h) -> { };
}
