package org.jdna.engine.optim;

import java.util.Map;

import org.jdna.engine.tensor.Tensor;

/**
 * Updates parameters in place from their accumulated gradients. Parameters whose gradient is null
 * (not reached by this step's graph, e.g. a DNA module no token visited) are left untouched and
 * their per-parameter state does not advance, as in PyTorch.
 */
public interface Optimizer {

    /** One update from the current gradients. */
    void step();

    /** The parameters by name, in update order. */
    Map<String, Tensor> parameters();

    /** Drops every parameter's gradient. */
    default void zeroGrad() {
        parameters().values().forEach(Tensor::zeroGrad);
    }

    /** The learning rate of the next step. */
    double lr();

    /** Sets the learning rate (a schedule calls this before each step). */
    void setLr(double lr);

    /** Steps taken so far. */
    long stepCount();

    /** The state for a checkpoint (copies, detached from the optimizer). */
    OptimizerState stateDict();

    /**
     * Restores a state written by {@link #stateDict()} of an optimizer over the same parameters.
     * Unknown names or shape mismatches are an IllegalArgumentException naming them; nothing is
     * changed then.
     */
    void loadStateDict(OptimizerState state);
}
