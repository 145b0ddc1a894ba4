package org.jdna.engine.nn;

import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Every parameter gradient of a tiny block (and its attention-only/MLP-only variants) against finite differences. */
class TransformerBlockGradCheckTest {
    private static final double STEP = 1e-2;
    private static final double ABS = 2e-3;
    private static final double REL = 2e-2;

    @Test
    void fullBlockOnUnevenSegments() {
        check(TransformerBlock.Options.gpt2(8, 2).withHidden(12), new int[]{0, 3, 7}, 7);
    }

    @Test
    void attentionOnlyBlock() {
        check(TransformerBlock.Options.gpt2(8, 2).attentionOnly(), new int[]{0, 5}, 5);
    }

    @Test
    void mlpOnlyBlockWithoutBias() {
        check(TransformerBlock.Options.gpt2(8, 2).withHidden(12).mlpOnly().withBias(false), new int[]{0, 4}, 4);
    }

    private static void check(TransformerBlock.Options options, int[] segments, int rows) {
        Rng rng = new Rng(11);
        TransformerBlock block = new TransformerBlock(options, rng);
        // Non-trivial norm gains and biases so their gradients are exercised away from 1 and 0.
        block.namedParameters().forEach((name, p) -> {
            if (!name.endsWith("weight") || name.contains("ln")) {
                float[] v = p.toArray();
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) (0.3 * rng.nextGaussian());
                }
                p.set(v);
            }
        });
        Tensor h = Tensor.randn(rng, 1f, rows, 8);
        Tensor probe = Tensor.randn(rng, 1f, rows, 8);   // loss = sum(out * probe)
        ParameterGradCheck.check(block.namedParameters(),
                () -> block.forward(h, segments, true, null).mul(probe).sum(), STEP, ABS, REL);
    }
}
