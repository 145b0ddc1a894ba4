package org.jdna.engine.nn;

import org.jdna.engine.tensor.Rng;

/**
 * GPT-2's initialisation, applied to a built module tree: linear and embedding weights N(0, 0.02^2),
 * biases 0, norm gains 1 and shifts 0, and the weights of residual projections
 * ({@link Linear#isResidualProjection()}) N(0, (0.02 / sqrt(2 * layers))^2), so that the residual
 * stream's variance does not grow with depth. Draws happen in {@link Module#namedModules()} order.
 */
public final class Gpt2Init {
    public static final double STD = 0.02;

    private Gpt2Init() {
    }

    /** Re-initialises every parameter of {@code root}; {@code layers} counts the residual blocks. */
    public static <M extends Module> M apply(M root, int layers, Rng rng) {
        if (layers <= 0) {
            throw new IllegalArgumentException("Gpt2Init: layers must be positive, got " + layers);
        }
        double residualStd = STD / Math.sqrt(2.0 * layers);
        root.apply(m -> {
            switch (m) {
                case Linear l -> {
                    Init.normal(l.weight(), l.isResidualProjection() ? residualStd : STD, rng);
                    if (l.bias() != null) {
                        Init.zeros(l.bias());
                    }
                }
                case Embedding e -> Init.normal(e.weight(), STD, rng);
                case LayerNorm n -> {
                    Init.ones(n.weight());
                    if (n.bias() != null) {
                        Init.zeros(n.bias());
                    }
                }
                case RmsNorm n -> Init.ones(n.weight());
                default -> {
                }
            }
        });
        return root;
    }
}
