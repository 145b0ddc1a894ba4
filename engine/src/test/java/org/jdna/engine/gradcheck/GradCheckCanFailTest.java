package org.jdna.engine.gradcheck;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Backends;
import org.jdna.engine.backend.DispatchPlan;
import org.jdna.engine.backend.reference.ReferenceBackend;
import org.jdna.engine.gradcheck.GradCheck.Tolerance;
import org.jdna.engine.nn.TransformerBlock;
import org.jdna.engine.ops.Attention;
import org.jdna.engine.ops.Elementwise;
import org.jdna.engine.ops.LinearAlgebra;
import org.jdna.engine.ops.Losses;
import org.jdna.engine.ops.Normalization;
import org.jdna.engine.ops.Softmax;
import org.jdna.engine.routing.Routing;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gradient checks must be tight enough to catch a rule that is 1% off: each case below runs
 * a check whose op's recorded gradient rule is scaled by 1.01 ({@link GradCheck#ruleScaled}), and
 * GradCheck must fail it; the same check unscaled passes in {@link OpGradientChecks} (or here, for
 * the block). The tolerances these checks used before (rel 1e-2, and 3e-2 for norms, attention
 * and whole models) let any error up to 1% through on every non-linear case here.
 */
class GradCheckCanFailTest {
    private static final float ONE_PERCENT = 1.01f;
    private Backend previous;

    @BeforeEach
    void useReference() {
        previous = Backends.current();
        Backends.use(ReferenceBackend.INSTANCE);
    }

    @AfterEach
    void restore() {
        Backends.use(previous);
    }

    /** GradCheck must fail f with op's rule 1% off, and say so in an AssertionError. */
    private static void assertCaught(String what, String op, Tolerance tol, Function<Tensor[], Tensor> f,
                                     Tensor... inputs) {
        AssertionError e = assertThrows(AssertionError.class,
                () -> GradCheck.check(what, tol, GradCheck.ruleScaled(op, ONE_PERCENT, f), inputs),
                what + ": a rule of '" + op + "' 1% off passed the gradient check");
        assertTrue(e.getMessage().contains("wrong at flat index"), e.getMessage());
    }

    private static Tensor randn(long seed, int... shape) {
        return Tensor.randn(new Rng(seed), 1f, shape);
    }

    @Test
    void normsSoftmaxAndLossesOnePercentOff() {
        assertCaught("layerNorm", "layerNorm", Tolerance.SMOOTH,
                in -> Normalization.layerNorm(in[0], in[1], in[2], 1e-5f), randn(181, 2, 3, 6), randn(182, 6),
                randn(183, 6));
        assertCaught("rmsNorm", "rmsNorm", Tolerance.SMOOTH, in -> Normalization.rmsNorm(in[0], in[1], 1e-5f),
                randn(191, 2, 3, 6), randn(192, 6));
        assertCaught("softmax", "softmax", Tolerance.SMOOTH, in -> Softmax.softmax(in[0], -1), randn(171, 3, 5));
        assertCaught("crossEntropy", "crossEntropy", Tolerance.SMOOTH,
                in -> Losses.crossEntropy(in[0], new int[]{1, -100, 4, 0, 2}, -100), randn(201, 5, 6));
    }

    @Test
    void attentionAndMatmulOnePercentOff() {
        assertCaught("attention", "attention", Tolerance.SMOOTH,
                in -> Attention.attention(in[0], in[1], in[2], new int[]{0, 5}, 2, true, null),
                randn(251, 5, 6), randn(252, 5, 6), randn(253, 5, 6));
        assertCaught("matmul", "matmul", Tolerance.LINEAR, in -> LinearAlgebra.matmul(in[0], in[1]),
                randn(101, 3, 4), randn(102, 4, 2));
    }

    @Test
    void routingOnePercentOff() {
        Tensor logits = Tensor.of(new float[]{0.2f, -0.4f, 1.1f, 0.6f, -0.9f, 0.1f, 0.75f, -0.2f}, 2, 4);
        assertCaught("topk", "topk", Tolerance.SMOOTH, in -> Routing.topk(in[0], null, 2, true).weights(), logits);
        DispatchPlan plan = DispatchPlan.build(new int[]{2, 0, 0, 1, 2, 1, 0, 2}, 4, 2, 3,
                new boolean[]{false, true, false});
        assertCaught("combine", "combine", Tolerance.LINEAR, in -> Routing.combine(in[0], in[1], plan),
                randn(371, plan.rows(), 3), randn(372, 4, 2));
        // routedWeightSum is a mask multiply and a sum: its rule is mul's
        assertCaught("routedWeightSum", "mul", Tolerance.LINEAR, in -> Routing.routedWeightSum(in[0], plan),
                randn(373, 4, 2));
    }

    /** Inside a whole transformer block, a 1% error in one rule still shows in a parameter's gradient. */
    @Test
    void aTransformerBlockWithOneRuleOnePercentOff() {
        Rng rng = new Rng(11);
        TransformerBlock block = new TransformerBlock(TransformerBlock.Options.gpt2(8, 2).withHidden(12), rng);
        Tensor h = Tensor.randn(rng, 1f, 7, 8);
        int[] segments = {0, 3, 7};
        Tensor qkv = block.namedParameters().get("attn.qkv.weight");
        Tensor fc = block.namedParameters().get("mlp.fc.weight");
        Tensor ln = block.namedParameters().get("ln1.weight");
        GradCheck.check("block, unscaled", Tolerance.SMOOTH, in -> block.forward(h, segments, true, null), qkv);
        assertCaught("block attention", "attentionPacked", Tolerance.SMOOTH,
                in -> block.forward(h, segments, true, null), qkv);
        assertCaught("block gelu", "gelu", Tolerance.SMOOTH, in -> block.forward(h, segments, true, null), fc);
        assertCaught("block layerNorm", "layerNorm", Tolerance.SMOOTH, in -> block.forward(h, segments, true, null),
                ln);
    }

    /** The scaling itself: with factor 1 nothing changes, so the wrapped check passes. */
    @Test
    void scalingByOneChangesNothing() {
        GradCheck.check("layerNorm scaled by 1", Tolerance.SMOOTH,
                GradCheck.ruleScaled("layerNorm", 1f, in -> Normalization.layerNorm(in[0], null, null, 1e-5f)),
                randn(184, 4, 5));
        GradCheck.check("tanh scaled by 1", Tolerance.SMOOTH,
                GradCheck.ruleScaled("tanh", 1f, in -> Elementwise.tanh(in[0])), randn(65, 2, 3));
    }
}
