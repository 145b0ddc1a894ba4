package org.jdna.engine.nn;

import org.jdna.engine.ops.Elementwise;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;

/**
 * Inverted dropout with its own seeded stream: active in training mode, the identity in eval mode
 * or when p == 0 (then it draws nothing, so p = 0 leaves every other random stream untouched).
 */
public final class Dropout extends Module {
    private final float p;
    private final Rng rng;

    public Dropout(float p, Rng rng) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
        }
        this.p = p;
        this.rng = rng;
    }

    public Tensor forward(Tensor x) {
        if (p == 0 || !isTraining()) {
            return x;
        }
        return Elementwise.dropout(x, p, rng, true);
    }

    public float p() { return p; }

    /** The generator (its state belongs in a checkpoint for bit-identical resume). */
    public Rng rng() { return rng; }
}
