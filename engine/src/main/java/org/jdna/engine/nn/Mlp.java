package org.jdna.engine.nn;

import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;

/** GPT-2's feed-forward: fc (D -> H), GELU (tanh approximation), proj (H -> D, a residual projection). */
public final class Mlp extends Module {
    private final Linear fc;
    private final Linear proj;

    public Mlp(int dim, int hidden, boolean bias, Rng rng) {
        this.fc = registerModule("fc", new Linear(dim, hidden, bias, rng));
        this.proj = registerModule("proj", new Linear(hidden, dim, bias, rng).markResidualProjection());
    }

    /** x (..., D) -> (..., D). */
    public Tensor forward(Tensor x) {
        return proj.forward(fc.forward(x).gelu());
    }

    public Linear fc() { return fc; }

    public Linear proj() { return proj; }

    public int dim() { return fc.inFeatures(); }

    public int hidden() { return fc.outFeatures(); }
}
