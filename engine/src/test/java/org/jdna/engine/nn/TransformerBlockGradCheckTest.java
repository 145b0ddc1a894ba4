package org.jdna.engine.nn;

import org.jdna.engine.gradcheck.GradCheck;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Every parameter gradient (and the input gradient) of a tiny block and of its attention-only and
 * MLP-only variants against finite differences (ops' {@link GradCheck}, one parameter at a time so
 * a failure carries the parameter's name).
 */
class TransformerBlockGradCheckTest {

    @Test
    void fullBlockOnUnevenSegments() {
        check(TransformerBlock.Options.gpt2(8, 2).withHidden(12), new int[]{0, 3, 7}, 7);
    }

    @Test
    void attentionOnlyBlock() {
        check(TransformerBlock.Options.gpt2(8, 2).attentionOnly(), new int[]{0, 5}, 5);
    }

    /** Rotary attention on rows at scattered original positions (a routed module's gather). */
    @Test
    void rotaryAttentionBlockAtGivenPositions() {
        check(TransformerBlock.Options.gpt2(8, 2).withHidden(12).withRotary(16), new int[]{0, 3, 7},
                new int[]{2, 5, 11, 0, 1, 9, 15}, 7);
    }

    @Test
    void mlpOnlyBlockWithoutBias() {
        check(TransformerBlock.Options.gpt2(8, 2).withHidden(12).mlpOnly().withBias(false), new int[]{0, 4}, 4);
    }

    private static void check(TransformerBlock.Options options, int[] segments, int rows) {
        check(options, segments, null, rows);
    }

    private static void check(TransformerBlock.Options options, int[] segments, int[] positions, int rows) {
        Rng rng = new Rng(11);
        TransformerBlock block = new TransformerBlock(options, rng);
        // Move norm gains and biases away from 1 and 0 so their gradients are exercised in general position.
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
        block.namedParameters().forEach((name, p) -> GradCheck.check("TransformerBlock." + name,
                GradCheck.Tolerance.SMOOTH, in -> block.forward(h, segments, positions, true, null), p));
        GradCheck.check("TransformerBlock input", GradCheck.Tolerance.SMOOTH,
                in -> block.forward(in[0], segments, positions, true, null), h.copy());
    }
}
