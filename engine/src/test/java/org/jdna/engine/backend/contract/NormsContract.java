package org.jdna.engine.backend.contract;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jdna.engine.backend.Storage;
import org.jdna.engine.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * Contract of softmax, LayerNorm, RMSNorm and cross-entropy, forward and backward. Backward cases
 * run the backend's own forward first (as training does) and compare the gradients.
 *
 * <p>Legend: R rows, C columns.
 */
public abstract class NormsContract extends CoreContract {
    /** (rows, cols) pairs: a single element, vector tails and one wide row. */
    private static final int[][] SHAPES = {{1, 1}, {3, 7}, {5, 16}, {4, 33}, {2, 257}};

    @Test
    void softmaxAndLogSoftmax() {
        for (boolean log : new boolean[]{false, true}) {
            for (int[] s : SHAPES) {
                for (double scale : new double[]{1, 40}) { // 40: exp would overflow without the max shift
                    float[] x = normal(rng("softmax" + log + s[0] + s[1] + scale), s[0] * s[1], scale);
                    check("softmax log=" + log + " " + s[0] + "x" + s[1] + " scale " + scale, Tolerance.REDUCTION, d -> {
                        Storage out = d.garbage(s[0] * s[1]);
                        d.backend().norms().softmax(out, d.upload(x), s[0], s[1], log);
                        return d.results(out);
                    });
                }
            }
        }
    }

    /**
     * Masked logits: -infinity entries get probability 0 (log: -infinity) and no NaN, in vector
     * bodies and tails; a row with +infinity or NaN is NaN, as in the reference. Backward of the
     * finite rows too.
     */
    @Test
    void softmaxWithNonFiniteLogits() {
        for (boolean log : new boolean[]{false, true}) {
            for (int cols : new int[]{7, 33}) {
                Rng rng = rng("softmaxNonFinite" + log + cols);
                int rows = 5;
                float[] x = normal(rng, rows * cols, 2);
                float[] dout = normal(rng, rows * cols, 1);
                for (int c = 0; c < cols; c += 3) {
                    x[c] = Float.NEGATIVE_INFINITY;       // row 0: every third masked
                }
                x[cols + cols - 1] = Float.NEGATIVE_INFINITY; // row 1: the last (a tail) masked
                x[2 * cols + 1] = Float.POSITIVE_INFINITY; // row 2
                x[3 * cols + 2] = Float.NaN;               // row 3
                check("softmax log=" + log + " " + rows + "x" + cols + " with non-finite logits", Tolerance.REDUCTION,
                        d -> {
                            Storage out = d.garbage(rows * cols);
                            d.backend().norms().softmax(out, d.upload(x), rows, cols, log);
                            Storage finiteRows = d.garbage(2 * cols);
                            Storage dx = d.garbage(2 * cols);
                            d.backend().copy(finiteRows, 0, out, 0, 2 * cols);
                            d.backend().norms().softmaxBackward(dx, d.upload(dout), finiteRows, 2, cols, log);
                            return d.results(out, dx);
                        });
            }
        }
    }

    /** Masked classes (-infinity logits) other than the target: a finite loss and a gradient of 0 there. */
    @Test
    void crossEntropyWithMaskedLogits() {
        int rows = 4;
        int cols = 33;
        Rng rng = rng("crossEntropyMasked");
        float[] logits = normal(rng, rows * cols, 3);
        int[] targets = {3, 0, 32, 17};
        for (int r = 0; r < rows; r++) {
            for (int c = r; c < cols; c += 2) {
                if (c != targets[r]) {
                    logits[r * cols + c] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        float[] dlosses = normal(rng, rows, 1);
        check("crossEntropy with -infinity logits", Tolerance.REDUCTION, d -> {
            Storage x = d.upload(logits);
            Storage losses = d.garbage(rows);
            Storage dlogits = d.garbage(rows * cols);
            d.backend().norms().crossEntropy(losses, x, targets, rows, cols, -100);
            d.backend().norms().crossEntropyBackward(dlogits, d.upload(dlosses), x, targets, rows, cols, -100);
            return d.results(losses, dlogits);
        });
    }

    @Test
    void softmaxBackwardBothModes() {
        for (boolean log : new boolean[]{false, true}) {
            for (int[] s : SHAPES) {
                Rng rng = rng("softmaxBackward" + log + s[0] + s[1]);
                float[] x = normal(rng, s[0] * s[1], 2);
                float[] dout = normal(rng, s[0] * s[1], 1);
                check("softmaxBackward log=" + log + " " + s[0] + "x" + s[1], Tolerance.REDUCTION, d -> {
                    int n = s[0] * s[1];
                    Storage out = d.zeros(n);
                    Storage dx = d.garbage(n);
                    d.backend().norms().softmax(out, d.upload(x), s[0], s[1], log);
                    d.backend().norms().softmaxBackward(dx, d.upload(dout), out, s[0], s[1], log);
                    return d.results(dx);
                });
            }
        }
    }

    @Test
    void layerNormWithAndWithoutAffine() {
        for (boolean affine : new boolean[]{true, false}) {
            for (int[] s : SHAPES) {
                Rng rng = rng("layerNorm" + affine + s[0] + s[1]);
                float[] x = normal(rng, s[0] * s[1], 3);
                for (int i = 0; i < x.length; i++) {
                    x[i] += 5; // a mean far from 0 exposes one-pass variance
                }
                float[] w = normal(rng, s[1], 1);
                float[] b = normal(rng, s[1], 1);
                check("layerNorm affine=" + affine + " " + s[0] + "x" + s[1], Tolerance.REDUCTION, d -> {
                    Storage out = d.garbage(s[0] * s[1]);
                    Storage mean = d.garbage(s[0]);
                    Storage rstd = d.garbage(s[0]);
                    d.backend().norms().layerNorm(out, mean, rstd, d.upload(x), affine ? d.upload(w) : null,
                            affine ? d.upload(b) : null, s[0], s[1], 1e-5f);
                    return d.results(out, mean, rstd);
                });
            }
        }
    }

    @Test
    void layerNormBackwardWithAndWithoutAffine() {
        for (boolean affine : new boolean[]{true, false}) {
            for (int[] s : SHAPES) {
                Rng rng = rng("layerNormBackward" + affine + s[0] + s[1]);
                float[] x = normal(rng, s[0] * s[1], 2);
                float[] w = normal(rng, s[1], 1);
                float[] b = normal(rng, s[1], 1);
                float[] dout = normal(rng, s[0] * s[1], 1);
                check("layerNormBackward affine=" + affine + " " + s[0] + "x" + s[1], Tolerance.REDUCTION, d -> {
                    int n = s[0] * s[1];
                    Storage xs = d.upload(x);
                    Storage ws = affine ? d.upload(w) : null;
                    Storage mean = d.zeros(s[0]);
                    Storage rstd = d.zeros(s[0]);
                    d.backend().norms().layerNorm(d.zeros(n), mean, rstd, xs, ws, affine ? d.upload(b) : null, s[0],
                            s[1], 1e-5f);
                    Storage dx = d.garbage(n);
                    Storage dw = affine ? d.garbage(s[1]) : null;
                    Storage db = affine ? d.garbage(s[1]) : null;
                    d.backend().norms().layerNormBackward(dx, dw, db, d.upload(dout), xs, ws, mean, rstd, s[0], s[1]);
                    return affine ? d.results(dx, dw, db) : d.results(dx);
                });
            }
        }
    }

    @Test
    void rmsNormWithAndWithoutWeight() {
        for (boolean affine : new boolean[]{true, false}) {
            for (int[] s : SHAPES) {
                Rng rng = rng("rmsNorm" + affine + s[0] + s[1]);
                float[] x = normal(rng, s[0] * s[1], 2);
                float[] w = normal(rng, s[1], 1);
                check("rmsNorm affine=" + affine + " " + s[0] + "x" + s[1], Tolerance.REDUCTION, d -> {
                    Storage out = d.garbage(s[0] * s[1]);
                    Storage rstd = d.garbage(s[0]);
                    d.backend().norms().rmsNorm(out, rstd, d.upload(x), affine ? d.upload(w) : null, s[0], s[1], 1e-6f);
                    return d.results(out, rstd);
                });
            }
        }
    }

    @Test
    void rmsNormBackwardWithAndWithoutWeight() {
        for (boolean affine : new boolean[]{true, false}) {
            for (int[] s : SHAPES) {
                Rng rng = rng("rmsNormBackward" + affine + s[0] + s[1]);
                float[] x = normal(rng, s[0] * s[1], 2);
                float[] w = normal(rng, s[1], 1);
                float[] dout = normal(rng, s[0] * s[1], 1);
                check("rmsNormBackward affine=" + affine + " " + s[0] + "x" + s[1], Tolerance.REDUCTION, d -> {
                    int n = s[0] * s[1];
                    Storage xs = d.upload(x);
                    Storage ws = affine ? d.upload(w) : null;
                    Storage rstd = d.zeros(s[0]);
                    d.backend().norms().rmsNorm(d.zeros(n), rstd, xs, ws, s[0], s[1], 1e-6f);
                    Storage dx = d.garbage(n);
                    Storage dw = affine ? d.garbage(s[1]) : null;
                    d.backend().norms().rmsNormBackward(dx, dw, d.upload(dout), xs, ws, rstd, s[0], s[1]);
                    return affine ? d.results(dx, dw) : d.results(dx);
                });
            }
        }
    }

    /** Targets in [0, cols) with every third row set to ignoreIndex. */
    private static int[] targets(Rng rng, int rows, int cols, int ignoreIndex) {
        int[] t = indices(rng, rows, cols);
        for (int r = 0; r < rows; r += 3) {
            t[r] = ignoreIndex;
        }
        return t;
    }

    @Test
    void crossEntropyWithIgnoreIndex() {
        for (int cols : new int[]{1, 7, 33, 257}) {
            for (int ignoreIndex : new int[]{-100, 0}) { // 0: a valid class can be the ignored one
                Rng rng = rng("crossEntropy" + cols + ignoreIndex);
                int rows = 10;
                float[] logits = normal(rng, rows * cols, 10);
                int[] targets = targets(rng, rows, cols, ignoreIndex);
                check("crossEntropy cols=" + cols + " ignoreIndex=" + ignoreIndex, Tolerance.REDUCTION, d -> {
                    Storage losses = d.garbage(rows);
                    d.backend().norms().crossEntropy(losses, d.upload(logits), targets, rows, cols, ignoreIndex);
                    return d.results(losses);
                });
            }
        }
    }

    @Test
    void crossEntropyBackwardWithIgnoreIndex() {
        for (int cols : new int[]{1, 7, 33, 257}) {
            Rng rng = rng("crossEntropyBackward" + cols);
            int rows = 10;
            float[] logits = normal(rng, rows * cols, 5);
            float[] dlosses = normal(rng, rows, 1);
            int[] targets = targets(rng, rows, cols, -100);
            check("crossEntropyBackward cols=" + cols, Tolerance.REDUCTION, d -> {
                Storage dlogits = d.garbage(rows * cols);
                d.backend().norms().crossEntropyBackward(dlogits, d.upload(dlosses), d.upload(logits), targets, rows,
                        cols, -100);
                return d.results(dlogits);
            });
        }
    }

    @Test
    void crossEntropyRejectsATargetOutOfRange() {
        float[] logits = normal(rng("crossEntropyRange"), 2 * 5, 1);
        try (Device d = new Device(backend())) {
            Storage x = d.upload(logits);
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                    () -> d.backend().norms().crossEntropy(d.zeros(2), x, new int[]{1, 5}, 2, 5, -100));
            assertTrue(e.getMessage().contains("crossEntropy") && e.getMessage().contains("5"), e.getMessage());
            IndexOutOfBoundsException eb = assertThrows(IndexOutOfBoundsException.class,
                    () -> d.backend().norms().crossEntropyBackward(d.zeros(10), d.zeros(2), x, new int[]{-3, 1}, 2, 5,
                            -100));
            assertTrue(eb.getMessage().contains("crossEntropy") && eb.getMessage().contains("-3"), eb.getMessage());
        }
    }
}
