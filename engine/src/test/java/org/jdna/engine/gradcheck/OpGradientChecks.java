package org.jdna.engine.gradcheck;

import java.util.function.Function;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Backends;
import org.jdna.engine.backend.DispatchPlan;
import org.jdna.engine.gradcheck.GradCheck.Tolerance;
import org.jdna.engine.ops.Attention;
import org.jdna.engine.ops.ConcurrentParts;
import org.jdna.engine.ops.Elementwise;
import org.jdna.engine.ops.Indexing;
import org.jdna.engine.ops.LinearAlgebra;
import org.jdna.engine.ops.Losses;
import org.jdna.engine.ops.Normalization;
import org.jdna.engine.ops.Reductions;
import org.jdna.engine.ops.ShapeOps;
import org.jdna.engine.ops.Softmax;
import org.jdna.engine.routing.Routing;
import org.jdna.engine.routing.TopK;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference gradient checks of every differentiable op, on small shapes. Backend-agnostic:
 * a backend module subclasses this with {@link #backend()} (and may widen the tolerances with
 * {@link #toleranceScale()}); the engine runs it on the reference backend.
 */
public abstract class OpGradientChecks {
    private Backend previous;

    /** The backend under test; made current for each test and restored afterwards. */
    protected abstract Backend backend();

    /** Factor applied to every tolerance (1 = as for the reference backend). */
    protected double toleranceScale() {
        return 1.0;
    }

    @BeforeEach
    void useBackendUnderTest() {
        previous = Backends.current();
        Backends.use(backend());
    }

    @AfterEach
    void restoreBackend() {
        Backends.use(previous);
    }

    // ------------------------------------------------------------------ elementwise, broadcasting

    @Test
    void add() {
        check("add same shape", Tolerance.LINEAR, in -> Elementwise.add(in[0], in[1]), randn(1, 2, 3), randn(2, 2, 3));
        check("add broadcast row", Tolerance.LINEAR, in -> Elementwise.add(in[0], in[1]), randn(3, 2, 3), randn(4, 3));
        check("add broadcast both", Tolerance.LINEAR, in -> Elementwise.add(in[0], in[1]), randn(5, 2, 1, 3), randn(6, 4, 1));
        check("add scalar tensor", Tolerance.LINEAR, in -> Elementwise.add(in[0], in[1]), randn(7, 2, 3), randn(8));
    }

    @Test
    void sub() {
        check("sub broadcast", Tolerance.LINEAR, in -> Elementwise.sub(in[0], in[1]), randn(11, 3, 1), randn(12, 1, 4));
    }

    @Test
    void mul() {
        check("mul same shape", Tolerance.SMOOTH, in -> Elementwise.mul(in[0], in[1]), randn(21, 2, 3), randn(22, 2, 3));
        check("mul broadcast", Tolerance.SMOOTH, in -> Elementwise.mul(in[0], in[1]), randn(23, 2, 3, 2), randn(24, 3, 1));
        check("mul self", Tolerance.SMOOTH, in -> Elementwise.mul(in[0], in[0]), randn(25, 2, 3));
    }

    @Test
    void div() {
        check("div broadcast", Tolerance.SMOOTH, in -> Elementwise.div(in[0], in[1]), randn(31, 2, 3), awayFromZero(32, 0.5, 3));
    }

    @Test
    void maximumAndMinimum() {
        check("maximum", Tolerance.LINEAR, in -> Elementwise.maximum(in[0], in[1]), distinct(41, 0.0, 2, 3), distinct(42, 0.05, 2, 3));
        check("minimum broadcast", Tolerance.LINEAR, in -> Elementwise.minimum(in[0], in[1]), distinct(43, 0.0, 2, 3), distinct(44, 0.05, 3));
    }

    @Test
    void scalarOps() {
        check("addScalar", Tolerance.LINEAR, in -> Elementwise.add(in[0], 1.5f), randn(51, 2, 3));
        check("mulScalar", Tolerance.LINEAR, in -> Elementwise.mul(in[0], -2.5f), randn(52, 2, 3));
        check("pow 3", Tolerance.SMOOTH, in -> Elementwise.pow(in[0], 3f), randn(53, 2, 3));
        check("pow 0.5", Tolerance.SMOOTH, in -> Elementwise.pow(in[0], 0.5f), positive(54, 2, 3));
    }

    @Test
    void unaryOps() {
        check("neg", Tolerance.LINEAR, in -> Elementwise.neg(in[0]), randn(61, 2, 3));
        check("exp", Tolerance.SMOOTH, in -> Elementwise.exp(in[0]), randn(62, 2, 3));
        check("log", Tolerance.SMOOTH, in -> Elementwise.log(in[0]), positive(63, 2, 3));
        check("sqrt", Tolerance.SMOOTH, in -> Elementwise.sqrt(in[0]), positive(64, 2, 3));
        check("tanh", Tolerance.SMOOTH, in -> Elementwise.tanh(in[0]), randn(65, 2, 3));
        check("sigmoid", Tolerance.SMOOTH, in -> Elementwise.sigmoid(in[0]), randn(66, 2, 3));
        check("relu", Tolerance.LINEAR, in -> Elementwise.relu(in[0]), awayFromZero(67, 0.1, 2, 3));
        check("gelu", Tolerance.SMOOTH, in -> Elementwise.gelu(in[0]), randn(68, 3, 4));
        check("silu", Tolerance.SMOOTH, in -> Elementwise.silu(in[0]), randn(69, 3, 4));
        check("abs", Tolerance.LINEAR, in -> Elementwise.abs(in[0]), awayFromZero(70, 0.1, 2, 3));
        check("square", Tolerance.SMOOTH, in -> Elementwise.square(in[0]), randn(71, 2, 3));
        check("reciprocal", Tolerance.SMOOTH, in -> Elementwise.reciprocal(in[0]), awayFromZero(72, 0.5, 2, 3));
    }

    @Test
    void whereAndMaskedFill() {
        Tensor mask = mask01(81, 2, 1, 3);
        check("where broadcast", Tolerance.LINEAR, in -> Elementwise.where(mask, in[0], in[1]), randn(82, 2, 4, 3), randn(83, 4, 1));
        check("maskedFill", Tolerance.LINEAR, in -> Elementwise.maskedFill(in[0], mask, -3f), randn(84, 2, 4, 3));
    }

    @Test
    void dropout() {
        check("dropout p=0.4", Tolerance.LINEAR, in -> Elementwise.dropout(in[0], 0.4f, new Rng(91), true), randn(92, 4, 5));
    }

    // ------------------------------------------------------------------ matmul and linear

    @Test
    void matmul2d() {
        for (boolean ta : new boolean[]{false, true}) {
            for (boolean tb : new boolean[]{false, true}) {
                Tensor a = ta ? randn(101, 4, 3) : randn(101, 3, 4);
                Tensor b = tb ? randn(102, 2, 4) : randn(102, 4, 2);
                check("matmul 2-D transA=" + ta + " transB=" + tb, Tolerance.LINEAR,
                        in -> LinearAlgebra.matmul(in[0], in[1], ta, tb), a, b);
            }
        }
    }

    @Test
    void matmulBatched() {
        for (boolean ta : new boolean[]{false, true}) {
            for (boolean tb : new boolean[]{false, true}) {
                Tensor a = ta ? randn(111, 2, 4, 3) : randn(111, 2, 3, 4);
                Tensor b = tb ? randn(112, 2, 2, 4) : randn(112, 2, 4, 2);
                check("matmul batched transA=" + ta + " transB=" + tb, Tolerance.LINEAR,
                        in -> LinearAlgebra.matmul(in[0], in[1], ta, tb), a, b);
            }
        }
        check("matmul 4-D batched", Tolerance.LINEAR, in -> LinearAlgebra.matmul(in[0], in[1]), randn(113, 2, 2, 3, 4), randn(114, 2, 2, 4, 2));
    }

    @Test
    void matmulSharedOperand() {
        check("matmul (..., m, k) @ (k, n)", Tolerance.LINEAR, in -> LinearAlgebra.matmul(in[0], in[1]), randn(121, 2, 2, 3, 4), randn(122, 4, 5));
        check("matmul (B, k, m)^T @ shared (k, n)", Tolerance.LINEAR, in -> LinearAlgebra.matmul(in[0], in[1], true, false), randn(123, 3, 4, 2), randn(124, 4, 5));
        check("matmul shared (m, k) @ (B, k, n)^T", Tolerance.LINEAR, in -> LinearAlgebra.matmul(in[0], in[1], false, true), randn(125, 3, 4), randn(126, 2, 5, 4));
    }

    @Test
    void linear() {
        check("linear with bias, 3-D x", Tolerance.LINEAR, in -> LinearAlgebra.linear(in[0], in[1], in[2]), randn(131, 2, 3, 4), randn(132, 5, 4), randn(133, 5));
        check("linear without bias", Tolerance.LINEAR, in -> LinearAlgebra.linear(in[0], in[1], null), randn(134, 3, 4), randn(135, 2, 4));
    }

    // ------------------------------------------------------------------ reductions

    @Test
    void sum() {
        check("sum all", Tolerance.LINEAR, in -> Reductions.sum(in[0]), randn(141, 2, 3));
        check("sum axis 1 keepDim", Tolerance.LINEAR, in -> Reductions.sum(in[0], true, 1), randn(142, 2, 3, 4));
        check("sum axes 0,2", Tolerance.LINEAR, in -> Reductions.sum(in[0], false, 0, 2), randn(143, 2, 3, 4));
        check("sum axes -1,-2", Tolerance.LINEAR, in -> Reductions.sum(in[0], false, -1, -2), randn(144, 2, 3, 4));
    }

    @Test
    void mean() {
        check("mean all", Tolerance.LINEAR, in -> Reductions.mean(in[0]), randn(151, 2, 3));
        check("mean axis 0", Tolerance.LINEAR, in -> Reductions.mean(in[0], false, 0), randn(152, 3, 4));
        check("mean axes 1,2 keepDim", Tolerance.LINEAR, in -> Reductions.mean(in[0], true, 1, 2), randn(153, 2, 3, 4));
    }

    @Test
    void max() {
        check("max last axis", Tolerance.LINEAR, in -> Reductions.max(in[0], -1, false), distinct(161, 0, 3, 4));
        check("max axis 1 keepDim", Tolerance.LINEAR, in -> Reductions.max(in[0], 1, true), distinct(162, 0, 2, 3, 4));
        check("max axis 0", Tolerance.LINEAR, in -> Reductions.max(in[0], 0, false), distinct(163, 0, 4, 3));
    }

    // ------------------------------------------------------------------ softmax, norms, losses

    @Test
    void softmax() {
        check("softmax last axis", Tolerance.SMOOTH, in -> Softmax.softmax(in[0], -1), randn(171, 3, 5));
        check("softmax axis 0", Tolerance.SMOOTH, in -> Softmax.softmax(in[0], 0), randn(172, 3, 2, 4));
        check("logSoftmax last axis", Tolerance.SMOOTH, in -> Softmax.logSoftmax(in[0], -1), randn(173, 3, 5));
        check("logSoftmax middle axis", Tolerance.SMOOTH, in -> Softmax.logSoftmax(in[0], 1), randn(174, 2, 3, 4));
    }

    @Test
    void layerNorm() {
        check("layerNorm affine", Tolerance.SMOOTH, in -> Normalization.layerNorm(in[0], in[1], in[2], 1e-5f), randn(181, 2, 3, 6), randn(182, 6), randn(183, 6));
        check("layerNorm plain", Tolerance.SMOOTH, in -> Normalization.layerNorm(in[0], null, null, 1e-5f), randn(184, 4, 5));
    }

    @Test
    void rmsNorm() {
        check("rmsNorm weighted", Tolerance.SMOOTH, in -> Normalization.rmsNorm(in[0], in[1], 1e-5f), randn(191, 2, 3, 6), randn(192, 6));
        check("rmsNorm plain", Tolerance.SMOOTH, in -> Normalization.rmsNorm(in[0], null, 1e-5f), randn(193, 4, 5));
    }

    @Test
    void crossEntropyWithIgnoreIndex() {
        int[] targets = {1, -100, 4, 0, 2};
        check("crossEntropy", Tolerance.SMOOTH, in -> Losses.crossEntropy(in[0], targets, -100), randn(201, 5, 6));
        check("crossEntropy 3-D logits", Tolerance.SMOOTH, in -> Losses.crossEntropy(in[0], new int[]{0, 3, -1, 2}, -1), randn(202, 2, 2, 4));
    }

    // ------------------------------------------------------------------ indexing

    @Test
    void embedding() {
        int[] ids = {2, 0, 2, 3, 1, 2};
        check("embedding repeated ids", Tolerance.LINEAR, in -> Indexing.embedding(in[0], ids, 2, 3), randn(211, 4, 3));
    }

    @Test
    void indexSelectRows() {
        check("indexSelectRows repeats", Tolerance.LINEAR, in -> Indexing.indexSelectRows(in[0], new int[]{3, 1, 3, 0, 3}), randn(221, 4, 2, 3));
        // the second gather's backward adds its rows into the gradient the first one left pending
        check("two row gathers of one input", Tolerance.LINEAR, in -> Elementwise.add(
                Indexing.indexSelectRows(in[0], new int[]{3, 1, 3}), Indexing.indexSelectRows(in[0], new int[]{0, 3, 2})),
                randn(222, 4, 2, 3));
    }

    @Test
    void indexAddRows() {
        check("indexAddRows repeated indices", Tolerance.LINEAR, in -> Indexing.indexAddRows(in[0], new int[]{1, 4, 1, 1, 0}, 5), randn(231, 5, 3));
    }

    @Test
    void gather() {
        check("gather axis 1", Tolerance.LINEAR, in -> Indexing.gather(in[0], 1, new int[]{3, 0, 1, 1, 2, 2}, 2), randn(241, 3, 4));
        check("gather axis 0", Tolerance.LINEAR, in -> Indexing.gather(in[0], 0, new int[]{0, 1, 0, 1, 1, 1, 0, 0}, 2), randn(242, 2, 2, 2));
    }

    // ------------------------------------------------------------------ attention

    @Test
    void attentionCausal() {
        check("attention causal", Tolerance.SMOOTH,
                in -> Attention.attention(in[0], in[1], in[2], new int[]{0, 5}, 2, true, null),
                randn(251, 5, 6), randn(252, 5, 6), randn(253, 5, 6));
    }

    @Test
    void attentionMasked() {
        // two segments of length 3, one mask each; row 1 of segment 1 attends to nothing
        Tensor mask = Tensor.of(backend(), new float[]{
                1, 0, 1, 1, 1, 0, 0, 1, 1,
                1, 1, 0, 0, 0, 0, 1, 0, 1}, 2, 3, 3);
        check("attention masked", Tolerance.SMOOTH,
                in -> Attention.attention(in[0], in[1], in[2], new int[]{0, 3, 6}, 2, false, mask),
                randn(261, 6, 4), randn(262, 6, 4), randn(263, 6, 4));
        Tensor shared = Tensor.of(backend(), new float[]{1, 1, 0, 0, 1, 1, 1, 0, 1}, 3, 3);
        check("attention shared mask, causal", Tolerance.SMOOTH,
                in -> Attention.attention(in[0], in[1], in[2], new int[]{0, 3, 6}, 1, true, shared),
                randn(264, 6, 4), randn(265, 6, 4), randn(266, 6, 4));
    }

    @Test
    void attentionVarlenSegments() {
        check("attention varlen causal", Tolerance.SMOOTH,
                in -> Attention.attention(in[0], in[1], in[2], new int[]{0, 2, 2, 6, 7}, 2, true, null),
                randn(271, 7, 4), randn(272, 7, 4), randn(273, 7, 4));
        check("attention varlen full", Tolerance.SMOOTH,
                in -> Attention.attention(in[0], in[1], in[2], new int[]{0, 3, 7}, 1, false, null),
                randn(274, 7, 3), randn(275, 7, 3), randn(276, 7, 3));
    }

    @Test
    void attentionPacked() {
        check("attentionPacked varlen causal", Tolerance.SMOOTH,
                in -> Attention.attentionPacked(in[0], new int[]{0, 2, 2, 6, 7}, 2, true, null),
                randn(291, 7, 12));
        Tensor shared = Tensor.of(backend(), new float[]{1, 1, 0, 0, 1, 1, 1, 0, 1}, 3, 3);
        check("attentionPacked shared mask", Tolerance.SMOOTH,
                in -> Attention.attentionPacked(in[0], new int[]{0, 3, 6}, 1, false, shared),
                randn(292, 6, 9));
    }

    @Test
    void rotary() {
        // 2 rotated heads of 4 and 3 copied columns; tables (5, 2) of arbitrary angles
        float[] cos = new float[10];
        float[] sin = new float[10];
        for (int i = 0; i < 10; i++) {
            cos[i] = (float) Math.cos(0.37 * i + 0.1);
            sin[i] = (float) Math.sin(0.37 * i + 0.1);
        }
        Tensor c = Tensor.of(backend(), cos, 5, 2);
        Tensor s = Tensor.of(backend(), sin, 5, 2);
        check("rotary", Tolerance.SMOOTH,
                in -> Attention.rotary(in[0], new int[]{4, 0, 2, 2}, c, s, 2, 4),
                randn(295, 4, 11));
    }

    @Test
    void selfAttention() {
        check("selfAttention causal", Tolerance.SMOOTH,
                in -> Attention.selfAttention(in[0], in[1], in[2], 2, true, null),
                randn(281, 2, 3, 4), randn(282, 2, 3, 4), randn(283, 2, 3, 4));
    }

    // ------------------------------------------------------------------ routing

    /**
     * Routing.topk's weights (softmax probabilities of the chosen, renormalised or not) against
     * finite differences of the logits, K = 1 and 2, with a bias that changes the choice (bias is
     * for choosing only, so the gradient still flows through the probabilities). The logits of a
     * row are 0.5 apart, so no step flips a choice; f checks that none does.
     */
    @Test
    void routingTopk() {
        float[] bias = {0f, 0.3f, 0f, 0f, -0.3f};
        for (int k : new int[]{1, 2}) {
            for (boolean renormalize : new boolean[]{false, true}) {
                for (float[] b : new float[][]{null, bias}) {
                    Tensor logits = spaced(361 + k, 0.5, 4, 5);
                    int[] chosen = Routing.topk(logits, b, k, renormalize).choices();
                    check("topk K=" + k + " renormalize=" + renormalize + " bias=" + (b != null), Tolerance.SMOOTH,
                            in -> {
                                TopK t = Routing.topk(in[0], b, k, renormalize);
                                if (!java.util.Arrays.equals(chosen, t.choices())) {
                                    throw new AssertionError("a finite-difference step changed topk's choice");
                                }
                                return t.weights();
                            }, logits);
                }
            }
        }
    }

    /**
     * 4 tokens, K = 2 over 3 modules, module 1 skipped (its slots are -1 and add nothing): combine
     * with respect to the module outputs y (R, D) and the weights (N, K), and the routed weight sum.
     */
    @Test
    void routingCombineAndRoutedWeightSum() {
        DispatchPlan plan = DispatchPlan.build(new int[]{2, 0, 0, 1, 2, 1, 0, 2}, 4, 2, 3,
                new boolean[]{false, true, false});
        check("combine", Tolerance.LINEAR, in -> Routing.combine(in[0], in[1], plan),
                randn(371, plan.rows(), 3), randn(372, 4, 2));
        check("routedWeightSum", Tolerance.LINEAR, in -> Routing.routedWeightSum(in[0], plan), randn(373, 4, 2));
        // the DNA update's shape: h + combine(M(h)) - h * routedWeightSum, through a nonlinear module
        check("combine of a module, minus the routed weight sum", Tolerance.SMOOTH, in -> {
            Tensor y = Elementwise.tanh(Indexing.indexSelectRows(in[0], plan.tokenOfRow()));
            Tensor w = Softmax.softmax(in[1], -1);
            return Elementwise.sub(Routing.combine(y, w, plan),
                    Elementwise.mul(in[0], Routing.routedWeightSum(w, plan)));
        }, randn(374, 4, 3), randn(375, 4, 2));
    }

    // ------------------------------------------------------------------ shape ops

    @Test
    void reshape() {
        check("reshape", Tolerance.LINEAR, in -> Elementwise.mul(ShapeOps.reshape(in[0], 3, -1), in[1]), randn(291, 2, 3, 2), randn(292, 3, 4));
    }

    @Test
    void transposeAndPermute() {
        check("transpose", Tolerance.LINEAR, in -> ShapeOps.transpose(in[0], 0, 2), randn(301, 2, 3, 4));
        check("permute", Tolerance.LINEAR, in -> ShapeOps.permute(in[0], 2, 0, 1), randn(302, 2, 3, 4));
    }

    @Test
    void slice() {
        check("slice axis 0", Tolerance.LINEAR, in -> ShapeOps.slice(in[0], 0, 1, 3), randn(311, 4, 3));
        check("slice middle axis", Tolerance.LINEAR, in -> ShapeOps.slice(in[0], 1, 1, 2), randn(312, 2, 3, 2));
        check("slice columns of a tall matrix", Tolerance.LINEAR, in -> ShapeOps.slice(in[0], 1, 1, 3), randn(313, 70, 4));
    }

    @Test
    void concat() {
        check("concat axis 0", Tolerance.LINEAR, in -> ShapeOps.concat(0, in[0], in[1]), randn(321, 2, 3), randn(322, 1, 3));
        check("concat axis 1", Tolerance.LINEAR, in -> ShapeOps.concat(1, in[0], in[1], in[2]), randn(323, 2, 1, 2), randn(324, 2, 3, 2), randn(325, 2, 2, 2));
        check("concat columns of tall matrices", Tolerance.LINEAR, in -> ShapeOps.concat(-1, in[0], in[1]), randn(326, 70, 2), randn(327, 70, 1));
    }

    /** Three parts side by side: two share the leaf w, the third is an identity (returns its input). */
    @Test
    void concurrentParts() {
        check("concurrentParts", Tolerance.SMOOTH, in -> ConcurrentParts.concat(new Tensor[]{in[0], in[1], in[2]},
                (i, x) -> switch (i) {
                    case 0 -> Elementwise.tanh(LinearAlgebra.matmul(x, in[3]));
                    case 1 -> LinearAlgebra.matmul(Elementwise.mul(x, in[4]), in[3]);
                    default -> x;
                }), randn(351, 3, 4), randn(352, 2, 4), randn(353, 5, 4), randn(354, 4, 4), randn(355, 4));
    }

    @Test
    void expand() {
        check("expand", Tolerance.LINEAR, in -> ShapeOps.expand(in[0], 2, 3, 4), randn(331, 3, 1));
    }

    @Test
    void composedExpression() {
        // a small MLP-like chain: the tape must sum the two uses of x and route through every op
        check("composed", Tolerance.SMOOTH, in -> {
            Tensor h = Elementwise.gelu(LinearAlgebra.linear(in[0], in[1], in[2]));
            return Softmax.softmax(Elementwise.add(h, Reductions.mean(in[0], true, -1)), -1);
        }, randn(341, 3, 4), randn(342, 5, 4), randn(343, 5));
    }

    // ------------------------------------------------------------------ inputs

    protected void check(String op, Tolerance tol, Function<Tensor[], Tensor> f, Tensor... inputs) {
        GradCheck.check(op, toleranceScale() == 1.0 ? tol : tol.scaled(toleranceScale()), f, inputs);
    }

    /** Standard normal values. */
    protected Tensor randn(long seed, int... shape) {
        Rng rng = new Rng(seed);
        float[] d = new float[numel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rng.nextGaussian();
        }
        return Tensor.of(backend(), d, shape);
    }

    /** Uniform in [0.5, 2). */
    protected Tensor positive(long seed, int... shape) {
        Rng rng = new Rng(seed);
        float[] d = new float[numel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (0.5 + 1.5 * rng.nextDouble());
        }
        return Tensor.of(backend(), d, shape);
    }

    /** Random sign, magnitude in [min, min + 1.5): safe around kinks and poles at 0. */
    protected Tensor awayFromZero(long seed, double min, int... shape) {
        Rng rng = new Rng(seed);
        float[] d = new float[numel(shape)];
        for (int i = 0; i < d.length; i++) {
            double mag = min + 1.5 * rng.nextDouble();
            d[i] = (float) (rng.nextDouble() < 0.5 ? -mag : mag);
        }
        return Tensor.of(backend(), d, shape);
    }

    /** A shuffle of offset + 0.1 * i: no two values closer than 0.1, so max/min never tie under a step. */
    protected Tensor distinct(long seed, double offset, int... shape) {
        Rng rng = new Rng(seed);
        int n = numel(shape);
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = (float) (offset + 0.1 * (i - n / 2));
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            float t = d[i];
            d[i] = d[j];
            d[j] = t;
        }
        return Tensor.of(backend(), d, shape);
    }

    /** Each row a shuffle of gap * (0, 1, ..., cols - 1) plus noise below gap / 10: no near ties. */
    protected Tensor spaced(long seed, double gap, int rows, int cols) {
        Rng rng = new Rng(seed);
        float[] d = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                d[r * cols + c] = (float) (gap * (c - cols / 2) + 0.1 * gap * rng.nextDouble());
            }
            for (int c = cols - 1; c > 0; c--) {
                int j = rng.nextInt(c + 1);
                float t = d[r * cols + c];
                d[r * cols + c] = d[r * cols + j];
                d[r * cols + j] = t;
            }
        }
        return Tensor.of(backend(), d, rows, cols);
    }

    /** Random 0/1 values (about half ones). */
    protected Tensor mask01(long seed, int... shape) {
        Rng rng = new Rng(seed);
        float[] d = new float[numel(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.nextDouble() < 0.5 ? 0f : 1f;
        }
        return Tensor.of(backend(), d, shape);
    }

    private static int numel(int[] shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }
}
