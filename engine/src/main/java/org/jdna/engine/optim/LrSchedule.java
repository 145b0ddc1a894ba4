package org.jdna.engine.optim;

/** A learning rate as a function of the 0-based step index. */
@FunctionalInterface
public interface LrSchedule {

    double lr(long step);

    /** The same rate at every step. */
    static LrSchedule constant(double lr) {
        return step -> lr;
    }

    /** Sets the optimizer's rate for {@code step}; returns the rate. */
    default double apply(Optimizer optimizer, long step) {
        double lr = lr(step);
        optimizer.setLr(lr);
        return lr;
    }
}
