package org.jdna.engine.backend;

/** The fused optimizer update. Conventions: {@link Backend}'s. */
public interface OptimizerKernels {

    /**
     * One fused AdamW update of n parameters (decoupled weight decay, bias-corrected):
     * m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; p -= lr * (m/(1-b1^t) / (sqrt(v/(1-b2^t)) + eps) + wd*p).
     */
    void adamw(Storage p, Storage m, Storage v, Storage g, int n, float lr, float beta1, float beta2,
               float eps, float weightDecay, int step);
}
