package org.jdna.cuda;

import org.jdna.engine.backend.OptimizerKernels;
import org.jdna.engine.backend.Storage;

/** adamw.cu: the fused AdamW step. */
final class CudaOptimizer extends KernelFamily implements OptimizerKernels {

    CudaOptimizer(KernelRunner runner, DeviceScratch scratch) {
        super(runner, scratch, "adamw");
    }

    @Override
    public void adamw(Storage p, Storage m, Storage v, Storage g, int n, float lr, float beta1, float beta2, float eps,
                      float weightDecay, int step) {
        if (n == 0) {
            return;
        }
        if (step < 1) {
            throw new IllegalArgumentException("adamw: step must be >= 1, got " + step);
        }
        // Bias corrections in double on the host: 1 - beta^t loses everything in float for large t.
        float bc1 = (float) (1.0 - Math.pow(beta1, step));
        float bc2 = (float) (1.0 - Math.pow(beta2, step));
        launch("adamw_f32", Launch.linear(n), KernelArgs.of()
                .ptr(at(p, 0, "adamw")).ptr(at(m, 0, "adamw")).ptr(at(v, 0, "adamw")).ptr(at(g, 0, "adamw"))
                .i(n).f(lr).f(beta1).f(beta2).f(eps).f(weightDecay).f(bc1).f(bc2));
    }
}
