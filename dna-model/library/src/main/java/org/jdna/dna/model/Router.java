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
 * {@code proj.weight} (E, D). With a hidden width R > 0 the router is a small MLP (Radial Networks):
 * logits = W_s GELU(F_s x + c_s), with {@code fc.weight} (R, D), {@code fc.bias} (R) and
 * {@code proj.weight} (E, R).
 */
public final class Router extends Module {
    private final LayerNorm norm;
    private final Linear fc;     // null for a linear router
    private final Linear proj;

    public Router(int width, int modules, RouterInput input, float eps, Rng rng) {
        this(width, modules, input, eps, 0, rng);
    }

    /** {@code hidden} = 0: linear router; R > 0: MLP router D -> R -> GELU -> E. */
    public Router(int width, int modules, RouterInput input, float eps, int hidden, Rng rng) {
        this.norm = input == RouterInput.LAYERNORM ? registerModule("norm", new LayerNorm(width, eps, true)) : null;
        this.fc = hidden > 0 ? registerModule("fc", new Linear(width, hidden, true, rng)) : null;
        this.proj = registerModule("proj", new Linear(hidden > 0 ? hidden : width, modules, false, rng));
    }

    /** h (N, D) -> logits (N, E). */
    public Tensor logits(Tensor h) {
        Tensor x = norm == null ? h : norm.forward(h);
        return proj.forward(fc == null ? x : fc.forward(x).gelu());
    }

    /** The hidden layer of an MLP router; null for a linear router. */
    public Linear fc() { return fc; }

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
