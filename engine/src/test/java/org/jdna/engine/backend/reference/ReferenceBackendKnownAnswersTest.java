package org.jdna.engine.backend.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.BinaryOp;
import org.jdna.engine.backend.ReduceOp;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.backend.UnaryOp;
import org.jdna.engine.backend.contract.Compare;
import org.jdna.engine.backend.contract.Tolerance;
import org.junit.jupiter.api.Test;

/**
 * The specification checked by hand: small inputs whose results were worked out on paper (or in a
 * calculator, to the digits shown), one or more per kernel family. The contract suite compares
 * every backend with the reference; these tests are what make the reference itself trustworthy.
 */
class ReferenceBackendKnownAnswersTest {
    private static final Backend REF = ReferenceBackend.INSTANCE;
    private static final Tolerance KNOWN = new Tolerance("KNOWN", 1e-6, 1e-6);
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;

    private static Storage of(float... values) {
        Storage s = REF.allocate(values.length);
        REF.copyIn(s, 0, values, 0, values.length);
        return s;
    }

    private static float[] read(Storage s) {
        float[] host = new float[s.length()];
        REF.copyOut(s, 0, host, 0, host.length);
        return host;
    }

    private static void expect(String what, Storage actual, float... expected) {
        Compare.assertClose(what, expected, read(actual), KNOWN);
    }

    @Test
    void softmaxOfOneTwoThree() {
        Storage out = REF.allocate(3);
        REF.norms().softmax(out, of(1, 2, 3), 1, 3, false);
        // e^(i-3) / (e^-2 + e^-1 + 1)
        expect("softmax [1,2,3]", out, 0.09003057f, 0.24472847f, 0.66524096f);
        REF.norms().softmax(out, of(1001, 1002, 1003), 1, 3, true); // shift invariant and overflow-free
        expect("log-softmax [1001,1002,1003]", out, -2.40760596f, -1.40760596f, -0.40760596f);
    }

    @Test
    void softmaxBackwardOfAOneHotGradient() {
        float p0 = 0.09003057f, p1 = 0.24472847f, p2 = 0.66524096f;
        Storage dx = REF.allocate(3);
        REF.norms().softmaxBackward(dx, of(1, 0, 0), of(p0, p1, p2), 1, 3, false);
        // dx = p * (dout - p0): the Jacobian's first column
        expect("softmaxBackward", dx, p0 * (1 - p0), -p1 * p0, -p2 * p0);
        REF.norms().softmaxBackward(dx, of(1, 0, 0), of((float) Math.log(p0), (float) Math.log(p1),
                (float) Math.log(p2)), 1, 3, true);
        expect("log-softmaxBackward", dx, 1 - p0, -p1, -p2); // dout - p * sum(dout)
    }

    @Test
    void layerNormOfOneToFour() {
        // mean 2.5, variance 1.25, rstd 1/sqrt(1.25) = 0.89442719; norm = (-1.5, -0.5, 0.5, 1.5) * rstd
        Storage out = REF.allocate(4);
        Storage mean = REF.allocate(1);
        Storage rstd = REF.allocate(1);
        REF.norms().layerNorm(out, mean, rstd, of(1, 2, 3, 4), of(2, 2, 2, 2), of(1, 1, 1, 1), 1, 4, 0f);
        expect("layerNorm out", out, -1.68328157f, 0.10557281f, 1.89442719f, 3.68328157f);
        expect("layerNorm mean", mean, 2.5f);
        expect("layerNorm rstd", rstd, 0.89442719f);

        // a constant upstream gradient moves only the mean, which the norm removes: dx = 0
        Storage dx = REF.allocate(4);
        Storage dw = REF.allocate(4);
        Storage db = REF.allocate(4);
        REF.norms().layerNormBackward(dx, dw, db, of(1, 1, 1, 1), of(1, 2, 3, 4), of(2, 2, 2, 2), mean, rstd, 1, 4);
        expect("layerNormBackward dx", dx, 0, 0, 0, 0);
        expect("layerNormBackward dw", dw, -1.34164079f, -0.44721360f, 0.44721360f, 1.34164079f);
        expect("layerNormBackward db", db, 1, 1, 1, 1);
    }

    @Test
    void rmsNormOfThreeFour() {
        // mean square 12.5, rstd 1/sqrt(12.5) = 0.28284271
        Storage out = REF.allocate(2);
        Storage rstd = REF.allocate(1);
        REF.norms().rmsNorm(out, rstd, of(3, 4), null, 1, 2, 0f);
        expect("rmsNorm out", out, 0.84852814f, 1.13137085f);
        expect("rmsNorm rstd", rstd, 0.28284271f);
        // x is a multiple of itself: a gradient along x vanishes (the output is scale invariant)
        Storage dx = REF.allocate(2);
        REF.norms().rmsNormBackward(dx, null, of(3, 4), of(3, 4), null, rstd, 1, 2);
        expect("rmsNormBackward along x", dx, 0, 0);
    }

    @Test
    void geluAndItsDerivativeAtAFewPoints() {
        Storage out = REF.allocate(6);
        REF.elementwise().unary(UnaryOp.GELU, out, of(-3, -1, 0, 0.5f, 1, 2), 6, 0f);
        expect("gelu", out, -0.00363739f, -0.15880801f, 0f, 0.34571401f, 0.84119199f, 1.95459769f);
        Storage dx = REF.allocate(4);
        REF.elementwise().unaryBackward(UnaryOp.GELU, dx, of(1, 1, 1, 1), of(-1, 0, 1, 2), 4, 0f);
        expect("gelu'", dx, -0.08296408f, 0.5f, 1.08296408f, 1.08609926f);
    }

    @Test
    void otherUnaryOpsAtSimplePoints() {
        Storage out = REF.allocate(1);
        float[][] cases = { // op ordinal, x, alpha, expected
                {UnaryOp.RELU.ordinal(), -1, 0, 0}, {UnaryOp.SIGMOID.ordinal(), 0, 0, 0.5f},
                {UnaryOp.SILU.ordinal(), 1, 0, 0.73105858f}, {UnaryOp.POW_SCALAR.ordinal(), 4, 0.5f, 2},
                {UnaryOp.RECIPROCAL.ordinal(), 4, 0, 0.25f}, {UnaryOp.ADD_SCALAR.ordinal(), 4, 1.5f, 5.5f},
                {UnaryOp.LOG.ordinal(), 1, 0, 0}, {UnaryOp.TANH.ordinal(), 0, 0, 0}, {UnaryOp.ABS.ordinal(), -2, 0, 2},
        };
        for (float[] c : cases) {
            UnaryOp op = UnaryOp.values()[(int) c[0]];
            REF.elementwise().unary(op, out, of(c[1]), 1, c[2]);
            expect(op + "(" + c[1] + ")", out, c[3]);
        }
        REF.elementwise().unaryBackward(UnaryOp.SIGMOID, out, of(1), of(0), 1, 0f);
        expect("sigmoid'(0)", out, 0.25f);
        REF.elementwise().unaryBackward(UnaryOp.RELU, out, of(1), of(0), 1, 0f);
        expect("relu'(0)", out, 0f);
    }

    @Test
    void gemmTwoByThreeTimesThreeByTwo() {
        // [[1,2,3],[4,5,6]] @ [[7,8],[9,10],[11,12]] = [[58,64],[139,154]]
        Storage a = of(1, 2, 3, 4, 5, 6);
        Storage c = REF.allocate(4);
        REF.matmul().gemm(false, false, 2, 2, 3, 1f, a, 0, 3, 0, of(7, 8, 9, 10, 11, 12), 0, 2, 0, 0f, c, 0, 2, 0, 1);
        expect("gemm", c, 58, 64, 139, 154);
        // B given transposed as [[7,9,11],[8,10,12]]; C = 2 AB - C
        REF.fill(c, 0, 4, 1f);
        REF.matmul().gemm(false, true, 2, 2, 3, 2f, a, 0, 3, 0, of(7, 9, 11, 8, 10, 12), 0, 3, 0, -1f, c, 0, 2, 0, 1);
        expect("gemm transB, beta=-1", c, 115, 127, 277, 307);
        // A given transposed as [[1,4],[2,5],[3,6]]
        REF.matmul().gemm(true, false, 2, 2, 3, 1f, of(1, 4, 2, 5, 3, 6), 0, 2, 0, of(7, 8, 9, 10, 11, 12), 0, 2, 0,
                0f, c, 0, 2, 0, 1);
        expect("gemm transA", c, 58, 64, 139, 154);
    }

    @Test
    void attentionOfATwoRowSegment() {
        // one head, Dh 1: q = [1, 1], k = [0, 1], v = [10, 20], scale 1
        Storage out = REF.allocate(2);
        Storage lse = REF.allocate(2);
        REF.attention().forward(out, lse, of(1, 1), of(0, 1), of(10, 20), new int[]{0, 2}, 1, 1, true, null, 0, 1f);
        // row 0 sees itself only; row 1: softmax([0, 1]) = [1/(1+e), e/(1+e)]
        expect("attention out", out, 10f, 17.31058579f);
        expect("attention lse", lse, 0f, 1.31326169f);
        // mask row 0 off entirely (and an empty segment in front): out 0, lse -inf
        REF.attention().forward(out, lse, of(1, 1), of(0, 1), of(10, 20), new int[]{0, 0, 2}, 1, 1, false,
                of(0, 0, 1, 1), 0, 1f);
        expect("masked attention out", out, 0f, 17.31058579f);
        expect("masked attention lse", lse, NEG_INF, 1.31326169f);
    }

    @Test
    void crossEntropyOfOneTwoThree() {
        Storage losses = REF.allocate(3);
        REF.norms().crossEntropy(losses, of(1, 2, 3, 1, 2, 3, 1, 2, 3), new int[]{2, 0, -100}, 3, 3, -100);
        // logsumexp(1,2,3) = 3.40760596
        expect("crossEntropy", losses, 0.40760596f, 2.40760596f, 0f);
        Storage dlogits = REF.allocate(9);
        REF.norms().crossEntropyBackward(dlogits, of(1, 2, 5), of(1, 2, 3, 1, 2, 3, 1, 2, 3), new int[]{2, 0, -100}, 3,
                3, -100);
        expect("crossEntropyBackward", dlogits,
                0.09003057f, 0.24472847f, 0.66524096f - 1,
                2 * (0.09003057f - 1), 2 * 0.24472847f, 2 * 0.66524096f,
                0, 0, 0);
    }

    @Test
    void topkBreaksTiesByLowerIndexAndBiasOnlyChooses() {
        // softmax([1, 3, 3, 0]) = [e, e^3, e^3, 1] / (e + 2 e^3 + 1) = [0.06193, 0.45764, 0.45764, 0.02278]
        Storage logits = of(1, 3, 3, 0);
        Storage probs = REF.allocate(4);
        Storage weights = REF.allocate(3);
        int[] idx = new int[3];
        REF.routing().topk(idx, weights, probs, logits, null, 1, 4, 3, false);
        assertArrayEquals(new int[]{1, 2, 0}, idx, "ties go to the lower index, descending order");
        expect("topk weights", weights, 0.45764028f, 0.45764028f, 0.06193488f);
        int[] two = new int[2];
        Storage w2 = REF.allocate(2);
        REF.routing().topk(two, w2, probs, logits, null, 1, 4, 2, true);
        assertArrayEquals(new int[]{1, 2}, two);
        expect("topk renormalized", w2, 0.5f, 0.5f);
        REF.routing().topk(two, w2, probs, logits, new float[]{0.5f, 0, 0, 0}, 1, 4, 2, false);
        assertArrayEquals(new int[]{0, 1}, two, "bias 0.5 lifts expert 0 to first place");
        expect("topk weights are unbiased probs", w2, 0.06193488f, 0.45764028f);
    }

    @Test
    void combineAndItsBackwardWithADroppedSlot() {
        Storage y = of(1, 2, 3, 4, 5, 6); // rows [1,2], [3,4], [5,6]
        Storage weights = of(0.5f, 2, 7, 0.25f);
        int[] slots = {2, 0, -1, 1};
        Storage out = REF.allocate(4);
        REF.routing().combine(out, y, weights, slots, 2, 2, 2);
        expect("combine", out, 0.5f * 5 + 2 * 1, 0.5f * 6 + 2 * 2, 0.25f * 3, 0.25f * 4);
        Storage dy = of(9, 9, 9, 9, 9, 9);
        Storage dweights = REF.allocate(4);
        REF.routing().combineBackward(dy, dweights, of(1, 1, 2, 0), y, weights, slots, 2, 2, 2);
        expect("combineBackward dy", dy, 2, 2, 0.5f, 0, 0.5f, 0.5f);
        expect("combineBackward dweights", dweights, 11, 3, 0, 6);
    }

    @Test
    void reductionsLayoutAndBroadcasting() {
        Storage x = of(1, 5, 3, -1, -2, -7); // (2, 3, 1)
        Storage out = REF.allocate(2);
        REF.reductions().reduce(ReduceOp.SUM, out, x, 2, 3, 1);
        expect("sum", out, 9, -10);
        REF.reductions().reduce(ReduceOp.MAX, out, x, 2, 3, 1);
        expect("max", out, 5, -1);
        REF.reductions().reduce(ReduceOp.MAX, out, x, 2, 0, 1);
        expect("max of nothing", out, NEG_INF, NEG_INF);
        assertEquals(1 + 25 + 9 + 1 + 4 + 49, REF.reductions().sumOfSquares(x, 0, 6));

        Storage t = REF.allocate(6);
        REF.elementwise().copyStrided(t, x, 0, new int[]{3, 2}, new int[]{1, 3}); // transpose of (2, 3)
        expect("transpose", t, 1, -1, 5, -2, 3, -7);
        REF.elementwise().binary(BinaryOp.SUB, t, new int[]{2, 3}, x, new int[]{3, 1}, of(1, 2, 3), new int[]{0, 1});
        expect("(2,3) - (3)", t, 0, 3, 0, -2, -4, -10);
    }

    @Test
    void gatherAndScatterAdd() {
        Storage x = of(1, 2, 3, 4, 5, 6); // (1, 3, 2)
        int[] idx = {2, 0, 1, 1};         // (1, 2, 2)
        Storage out = REF.allocate(4);
        REF.indexing().gather(out, x, idx, 1, 3, 2, 2);
        expect("gather", out, 5, 2, 3, 4);
        Storage dx = REF.allocate(6);
        REF.indexing().scatterAdd(dx, of(1, 1, 1, 1), idx, 1, 3, 2, 2);
        expect("scatterAdd", dx, 0, 1, 1, 1, 1, 0);
    }

    @Test
    void adamwFirstStep() {
        // step 1: bias-corrected m = g and v = g^2, so the step is lr * (sign(g) + wd * p)
        Storage p = of(1f);
        Storage m = REF.allocate(1);
        Storage v = REF.allocate(1);
        REF.optimizer().adamw(p, m, v, of(0.5f), 1, 0.1f, 0.9f, 0.99f, 0f, 0.1f, 1);
        expect("adamw p", p, 0.89f);
        expect("adamw m", m, 0.05f);
        expect("adamw v", v, 0.0025f);
    }
}
