package org.jdna.engine.backend.reference;

import static org.jdna.engine.backend.reference.FiniteDifference.REF;
import static org.jdna.engine.backend.reference.FiniteDifference.assertGradient;
import static org.jdna.engine.backend.reference.FiniteDifference.of;
import static org.jdna.engine.backend.reference.FiniteDifference.read;

import java.util.Arrays;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.backend.UnaryOp;
import org.jdna.engine.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * Every backward kernel of the reference against finite differences of its forward kernel. The
 * contract suite then holds every other backend to these reference gradients.
 *
 * <p>Legend: R rows, C columns, H heads, Dh head dim, E experts, K top-k, T tokens, W width.
 */
class ReferenceGradientSpecTest {

    private static float[] normal(Rng rng, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rng.nextGaussian() * scale);
        }
        return x;
    }

    private static Rng rng(String test) {
        return new Rng(7L).fork(test);
    }

    // ---------------------------------------------------------------- elementwise

    @Test
    void unaryBackwardOfEveryOp() {
        for (UnaryOp op : UnaryOp.values()) {
            Rng rng = rng("unary" + op);
            int n = 12;
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                double u = rng.nextDouble();
                x[i] = (float) switch (op) {
                    case LOG, SQRT, POW_SCALAR, RECIPROCAL -> 0.3 + 3 * u;
                    // keep away from the kinks of RELU and ABS at 0
                    default -> (u < 0.5 ? -1 : 1) * (0.1 + 2.5 * u);
                };
            }
            float alpha = op == UnaryOp.POW_SCALAR ? 2.5f : 1.7f;
            float[] dout = normal(rng, n, 1);
            Storage dx = REF.allocate(n);
            REF.elementwise().unaryBackward(op, dx, of(dout), of(x), n, alpha);
            assertGradient("unaryBackward " + op, in -> {
                Storage out = REF.allocate(n);
                REF.elementwise().unary(op, out, of(in[0]), n, alpha);
                return read(out);
            }, new float[][]{x}, 0, dout, read(dx));
        }
    }

    // ---------------------------------------------------------------- softmax and norms

    @Test
    void softmaxBackwardBothModes() {
        int rows = 3;
        int cols = 5;
        for (boolean log : new boolean[]{false, true}) {
            Rng rng = rng("softmax" + log);
            float[] x = normal(rng, rows * cols, 1.5);
            float[] dout = normal(rng, rows * cols, 1);
            Storage out = REF.allocate(rows * cols);
            REF.norms().softmax(out, of(x), rows, cols, log);
            Storage dx = REF.allocate(rows * cols);
            REF.norms().softmaxBackward(dx, of(dout), out, rows, cols, log);
            assertGradient("softmaxBackward log=" + log, in -> {
                Storage o = REF.allocate(rows * cols);
                REF.norms().softmax(o, of(in[0]), rows, cols, log);
                return read(o);
            }, new float[][]{x}, 0, dout, read(dx));
        }
    }

    @Test
    void layerNormBackwardWithAndWithoutAffine() {
        int rows = 3;
        int cols = 6;
        for (boolean affine : new boolean[]{true, false}) {
            Rng rng = rng("layerNorm" + affine);
            float[][] in = {normal(rng, rows * cols, 2), normal(rng, cols, 1), normal(rng, cols, 1)};
            float[] dout = normal(rng, rows * cols, 1);
            FiniteDifference.Forward forward = p -> {
                Storage o = REF.allocate(rows * cols);
                REF.norms().layerNorm(o, REF.allocate(rows), REF.allocate(rows), of(p[0]), affine ? of(p[1]) : null,
                        affine ? of(p[2]) : null, rows, cols, 1e-5f);
                return read(o);
            };
            Storage mean = REF.allocate(rows);
            Storage rstd = REF.allocate(rows);
            Storage w = affine ? of(in[1]) : null;
            REF.norms().layerNorm(REF.allocate(rows * cols), mean, rstd, of(in[0]), w, affine ? of(in[2]) : null, rows,
                    cols, 1e-5f);
            Storage dx = REF.allocate(rows * cols);
            Storage dw = affine ? REF.allocate(cols) : null;
            Storage db = affine ? REF.allocate(cols) : null;
            REF.norms().layerNormBackward(dx, dw, db, of(dout), of(in[0]), w, mean, rstd, rows, cols);
            assertGradient("layerNormBackward dx affine=" + affine, forward, in, 0, dout, read(dx));
            if (affine) {
                assertGradient("layerNormBackward dw", forward, in, 1, dout, read(dw));
                assertGradient("layerNormBackward db", forward, in, 2, dout, read(db));
            }
        }
    }

    @Test
    void rmsNormBackwardWithAndWithoutWeight() {
        int rows = 3;
        int cols = 6;
        for (boolean affine : new boolean[]{true, false}) {
            Rng rng = rng("rmsNorm" + affine);
            float[][] in = {normal(rng, rows * cols, 2), normal(rng, cols, 1)};
            float[] dout = normal(rng, rows * cols, 1);
            FiniteDifference.Forward forward = p -> {
                Storage o = REF.allocate(rows * cols);
                REF.norms().rmsNorm(o, REF.allocate(rows), of(p[0]), affine ? of(p[1]) : null, rows, cols, 1e-6f);
                return read(o);
            };
            Storage rstd = REF.allocate(rows);
            Storage w = affine ? of(in[1]) : null;
            REF.norms().rmsNorm(REF.allocate(rows * cols), rstd, of(in[0]), w, rows, cols, 1e-6f);
            Storage dx = REF.allocate(rows * cols);
            Storage dw = affine ? REF.allocate(cols) : null;
            REF.norms().rmsNormBackward(dx, dw, of(dout), of(in[0]), w, rstd, rows, cols);
            assertGradient("rmsNormBackward dx affine=" + affine, forward, in, 0, dout, read(dx));
            if (affine) {
                assertGradient("rmsNormBackward dw", forward, in, 1, dout, read(dw));
            }
        }
    }

    @Test
    void crossEntropyBackwardWithAnIgnoredRow() {
        int rows = 4;
        int cols = 5;
        int[] targets = {3, -100, 0, 4};
        Rng rng = rng("crossEntropy");
        float[] logits = normal(rng, rows * cols, 2);
        float[] dlosses = normal(rng, rows, 1);
        Storage dlogits = REF.allocate(rows * cols);
        REF.norms().crossEntropyBackward(dlogits, of(dlosses), of(logits), targets, rows, cols, -100);
        assertGradient("crossEntropyBackward", in -> {
            Storage losses = REF.allocate(rows);
            REF.norms().crossEntropy(losses, of(in[0]), targets, rows, cols, -100);
            return read(losses);
        }, new float[][]{logits}, 0, dlosses, read(dlogits));
    }

    // ---------------------------------------------------------------- attention

    private record Layout(String name, int[] segments, boolean causal, float[] mask, int maskSegmentStride) {
    }

    @Test
    void attentionBackwardCausalMaskedAndVarlen() {
        int heads = 2;
        int headDim = 3;
        float[] perSegment = { // two segments of 3: segment 0 row 1 sees nothing
                1, 0, 1, 0, 0, 0, 1, 1, 0,
                0, 1, 1, 1, 1, 1, 1, 0, 1};
        Layout[] layouts = {
                new Layout("full", new int[]{0, 7}, false, null, 0),
                new Layout("causal varlen with empty segment", new int[]{0, 3, 3, 7}, true, null, 0),
                new Layout("masked per segment", new int[]{0, 3, 6}, false, perSegment, 9),
                new Layout("masked shared and causal", new int[]{0, 3, 6}, true, Arrays.copyOf(perSegment, 9), 0),
        };
        for (Layout l : layouts) {
            int rows = l.segments()[l.segments().length - 1];
            int n = rows * heads * headDim;
            float scale = (float) (1 / Math.sqrt(headDim));
            Rng rng = rng("attention " + l.name());
            float[][] in = {normal(rng, n, 1), normal(rng, n, 1), normal(rng, n, 1)};
            float[] dout = normal(rng, n, 1);
            Storage mask = l.mask() == null ? null : of(l.mask());
            FiniteDifference.Forward forward = p -> {
                Storage o = REF.allocate(n);
                REF.attention().forward(o, REF.allocate(heads * rows), of(p[0]), of(p[1]), of(p[2]), l.segments(),
                        heads, headDim, l.causal(), mask, l.maskSegmentStride(), scale);
                return read(o);
            };
            Storage q = of(in[0]);
            Storage k = of(in[1]);
            Storage v = of(in[2]);
            Storage out = REF.allocate(n);
            Storage lse = REF.allocate(heads * rows);
            REF.attention().forward(out, lse, q, k, v, l.segments(), heads, headDim, l.causal(), mask,
                    l.maskSegmentStride(), scale);
            Storage dq = REF.allocate(n);
            Storage dk = REF.allocate(n);
            Storage dv = REF.allocate(n);
            REF.attention().backward(dq, dk, dv, of(dout), q, k, v, out, lse, l.segments(), heads, headDim, l.causal(),
                    mask, l.maskSegmentStride(), scale);
            assertGradient("attentionBackward dq " + l.name(), forward, in, 0, dout, read(dq));
            assertGradient("attentionBackward dk " + l.name(), forward, in, 1, dout, read(dk));
            assertGradient("attentionBackward dv " + l.name(), forward, in, 2, dout, read(dv));
        }
    }

    /** The rotation by the opposite angle is the backward of the rotary embedding. */
    @Test
    void rotaryInverseIsTheBackward() {
        int rows = 5;
        int width = 14;   // 2 rotated heads of 4, then 6 copied columns
        int heads = 2;
        int headDim = 4;
        Rng rng = rng("rotary");
        float[][] in = {normal(rng, rows * width, 1)};
        float[] dout = normal(rng, rows * width, 1);
        float[] cos = new float[8 * 2];
        float[] sin = new float[8 * 2];
        for (int p = 0; p < 8; p++) {
            for (int i = 0; i < 2; i++) {
                cos[p * 2 + i] = (float) Math.cos(p * (i + 1) * 0.7);
                sin[p * 2 + i] = (float) Math.sin(p * (i + 1) * 0.7);
            }
        }
        int[] positions = {3, 0, 7, 3, 5};
        FiniteDifference.Forward forward = p -> {
            Storage o = REF.allocate(rows * width);
            REF.attention().rotary(o, of(p[0]), positions, of(cos), of(sin), width, heads, headDim, false);
            return read(o);
        };
        Storage dx = REF.allocate(rows * width);
        REF.attention().rotary(dx, of(dout), positions, of(cos), of(sin), width, heads, headDim, true);
        assertGradient("rotary", forward, in, 0, dout, read(dx));
    }

    // ---------------------------------------------------------------- routing

    @Test
    void topkBackwardBothModes() {
        int rows = 3;
        int experts = 5;
        int k = 2;
        Rng rng = rng("topk");
        // logits spaced 0.7 apart in a random order: a finite-difference step never changes the choice
        float[] logits = new float[rows * experts];
        for (int r = 0; r < rows; r++) {
            for (int e = 0; e < experts; e++) {
                logits[r * experts + e] = 0.7f * ((e * 3 + r) % experts) + (float) (0.1 * rng.nextGaussian());
            }
        }
        for (boolean renormalize : new boolean[]{false, true}) {
            float[] dweights = normal(rng, rows * k, 1);
            int[] chosen = new int[rows * k];
            Storage probs = REF.allocate(rows * experts);
            REF.routing().topk(chosen, REF.allocate(rows * k), probs, of(logits), null, rows, experts, k, renormalize);
            Storage dlogits = REF.allocate(rows * experts);
            REF.routing().topkBackward(dlogits, of(dweights), probs, chosen, rows, experts, k, renormalize);
            assertGradient("topkBackward renormalize=" + renormalize, in -> {
                int[] again = new int[rows * k];
                Storage w = REF.allocate(rows * k);
                REF.routing().topk(again, w, REF.allocate(rows * experts), of(in[0]), null, rows, experts, k,
                        renormalize);
                if (!Arrays.equals(again, chosen)) {
                    throw new IllegalStateException("topk choice changed under the finite-difference step");
                }
                return read(w);
            }, new float[][]{logits}, 0, dweights, read(dlogits));
        }
    }

    @Test
    void combineBackwardWithDroppedSlots() {
        int tokens = 3;
        int k = 2;
        int width = 4;
        int yRows = 7; // rows 3 and 6 are named by no slot: their gradient is 0
        int[] slots = {0, 4, -1, 2, 5, 1};
        Rng rng = rng("combine");
        float[][] in = {normal(rng, yRows * width, 1), normal(rng, tokens * k, 1)};
        float[] dout = normal(rng, tokens * width, 1);
        FiniteDifference.Forward forward = p -> {
            Storage o = REF.allocate(tokens * width);
            REF.routing().combine(o, of(p[0]), of(p[1]), slots, tokens, k, width);
            return read(o);
        };
        Storage dy = REF.allocate(yRows * width);
        Storage dweights = REF.allocate(tokens * k);
        REF.routing().combineBackward(dy, dweights, of(dout), of(in[0]), of(in[1]), slots, tokens, k, width);
        assertGradient("combineBackward dy", forward, in, 0, dout, read(dy));
        assertGradient("combineBackward dweights", forward, in, 1, dout, read(dweights));
    }

    @Test
    void indexAddRowsAndScatterAddAreTheAdjointsOfTheirGathers() {
        Rng rng = rng("gathers");
        int[] rows = {2, 0, 2, 3};
        float[] src = normal(rng, 5 * 3, 1);
        float[] dout = normal(rng, 4 * 3, 1);
        Storage dsrc = REF.allocate(5 * 3);
        REF.indexing().indexAddRows(dsrc, of(dout), rows, 4, 3);
        assertGradient("indexAddRows", in -> {
            Storage o = REF.allocate(4 * 3);
            REF.indexing().indexSelectRows(o, of(in[0]), rows, 4, 3);
            return read(o);
        }, new float[][]{src}, 0, dout, read(dsrc));

        int[] idx = {1, 0, 1, 2, 2, 2, 0, 1}; // (O 2, J 2, I 2) into (O 2, L 3, I 2)
        float[] x = normal(rng, 2 * 3 * 2, 1);
        float[] g = normal(rng, 2 * 2 * 2, 1);
        Storage dx = REF.allocate(2 * 3 * 2);
        REF.indexing().scatterAdd(dx, of(g), idx, 2, 3, 2, 2);
        assertGradient("scatterAdd", in -> {
            Storage o = REF.allocate(2 * 2 * 2);
            REF.indexing().gather(o, of(in[0]), idx, 2, 3, 2, 2);
            return read(o);
        }, new float[][]{x}, 0, g, read(dx));
    }
}
