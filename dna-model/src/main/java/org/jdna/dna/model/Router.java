package org.jdna.dna.model;

import org.jdna.dna.config.RouterInput;
import org.jdna.engine.nn.Init;
import org.jdna.engine.nn.LayerNorm;
import org.jdna.engine.nn.Linear;
import org.jdna.engine.nn.Module;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;

/**
 * The router of one routed step: logits = W_s x with x = LayerNorm_s(h) (default) or the raw h,
 * W_s (E, D) without bias. Parameters: {@code norm.weight}, {@code norm.bias} (LayerNorm input only),
 * {@code proj.weight} (E, D).
 */
public final class Router extends Module {
    private final LayerNorm norm;
    private final Linear proj;

    public Router(int width, int modules, RouterInput input, float eps, Rng rng) {
        this.norm = input == RouterInput.LAYERNORM ? registerModule("norm", new LayerNorm(width, eps, true)) : null;
        this.proj = registerModule("proj", new Linear(width, modules, false, rng));
    }

    /** h (N, D) -> logits (N, E). */
    public Tensor logits(Tensor h) {
        return proj.forward(norm == null ? h : norm.forward(h));
    }

    /** Re-draws W from N(0, std^2); std = 0 gives zeros, i.e. uniform routing at the start. */
    public void initWeights(double std, Rng rng) {
        if (std == 0) {
            Init.zeros(proj.weight());
        } else {
            Init.normal(proj.weight(), std, rng);
        }
    }

    /** Null when the router reads the raw h. */
    public LayerNorm norm() { return norm; }

    public Linear proj() { return proj; }
}
