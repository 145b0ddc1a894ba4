package org.jdna.dna.model;

import org.jdna.dna.config.ModelConfig;
import org.jdna.dna.config.ModuleKind;

/**
 * Learned compute efficiency without a loss (docs/method.md section 3, after DeepSeek-V3's
 * auxiliary-loss-free balancing). Each step s keeps a bias b_i(s) for each identity module i, added
 * to rho only to choose modules. After every optimizer step:
 * <pre>
 *   b_i(s) += u * sign(r * N * K - identity routes of step s)
 * </pre>
 * so a step that skips too little raises its identity biases and one that skips too much lowers
 * them. No gradient; the biases live in the model's state dict ({@code identity_bias}, (S, E), zero
 * at non-identity modules).
 *
 * <p>With sticky exits (Radial Networks, early exit) an exited token stays on the identity, so the
 * identity fraction can only grow from step to step; the target then ramps, r_s = min(0.95,
 * 2 r (s + 1) / (S + 1)) for s = 0..S-1, whose mean over the steps is r: r is the fraction of routed
 * module visits saved, as without exits.
 *
 * @param target r, the wanted fraction of routes to identity modules (0 = no target: the controller is off)
 * @param speed  u, the step per update (0 = off)
 * @param ramp   ramp the target over the steps (sticky exits)
 */
record IdentityBiasController(double target, double speed, boolean ramp) {

    IdentityBiasController(double target, double speed) {
        this(target, speed, false);
    }

    /** The wanted identity fraction of step s of S. */
    double target(int step, int steps) {
        return ModelConfig.rampedTarget(target, ramp, step, steps);
    }

    boolean active() {
        return target > 0 && speed > 0;
    }

    /** Updates {@code bias} (S*E, row-major) in place from the routes of one batch; returns it. */
    float[] update(float[] bias, RoutingTrace trace) {
        if (!active()) {
            return bias;
        }
        int e = trace.pool().size();
        int steps = trace.steps().size();
        if (bias.length != steps * e) {
            throw new IllegalArgumentException("IdentityBiasController.update: bias has " + bias.length
                    + " entries, the trace has S = " + steps + " steps x E = " + e + " modules");
        }
        for (int s = 0; s < steps; s++) {
            int[] modules = trace.steps().get(s).modules();
            int identityRoutes = 0;
            for (int m : modules) {
                if (trace.pool().kind(m) == ModuleKind.IDENTITY) {
                    identityRoutes++;
                }
            }
            double wanted = target(s, steps) * modules.length;     // r_s * N * K
            float delta = (float) (speed * Math.signum(wanted - identityRoutes));
            for (int i = 0; i < e; i++) {
                if (trace.pool().kind(i) == ModuleKind.IDENTITY) {
                    bias[s * e + i] += delta;
                }
            }
        }
        return bias;
    }
}
