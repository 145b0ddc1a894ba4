package org.jdna.simd;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.backend.contract.Compare;
import org.jdna.engine.backend.contract.Tolerance;
import org.jdna.engine.backend.reference.ReferenceBackend;
import org.jdna.engine.tensor.Rng;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Top-k where the shared contract does not look: E a multiple of the lane count (the block path of
 * {@link SimdTopK}: rows transposed into columns), row counts around the block edge, K up to and
 * past the block path's limit, biases with infinities, ties, probabilities that underflow, NaN in a
 * later block, and bit-identical results for 1 and 2 threads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimdTopKTest {
    private final SimdBackend one = new SimdBackend(1);
    private final SimdBackend two = new SimdBackend(2);
    private final Backend ref = ReferenceBackend.INSTANCE;

    @AfterAll
    void closePools() {
        one.close();
        two.close();
    }

    /** The outputs of one topk call. */
    private record TopkResult(int[] indices, float[] weights, float[] probs) {
    }

    private static TopkResult topk(Backend b, float[] logits, float[] bias, int rows, int experts, int k,
                                   boolean renormalize) {
        int[] indices = new int[rows * k];
        Storage weights = b.allocate(rows * k);
        Storage probs = b.allocate(rows * experts);
        b.routing().topk(indices, weights, probs, upload(b, logits), bias, rows, experts, k, renormalize);
        return new TopkResult(indices, download(b, weights, rows * k), download(b, probs, rows * experts));
    }

    private void checkTopk(String what, float[] logits, float[] bias, int rows, int experts, int k,
                           boolean renormalize) {
        TopkResult expected = topk(ref, logits, bias, rows, experts, k, renormalize);
        for (SimdBackend b : new SimdBackend[]{one, two}) {
            TopkResult actual = topk(b, logits, bias, rows, experts, k, renormalize);
            String name = what + " rows=" + rows + " E=" + experts + " K=" + k + " renormalize=" + renormalize
                    + " bias=" + (bias != null) + " [" + b.description() + "]";
            Compare.assertSameInts(name + " indices", expected.indices(), actual.indices());
            Compare.assertClose(name + " weights", expected.weights(), actual.weights(), Tolerance.REDUCTION);
            Compare.assertClose(name + " probs", expected.probs(), actual.probs(), Tolerance.REDUCTION);
        }
    }

    @Test
    void blockShapesMatchReference() {
        for (int experts : new int[]{4, 8, 16, 32, 48}) {
            for (int rows : new int[]{1, 7, 8, 9, 16, 37}) {
                for (int k : new int[]{1, 2, 3, 4, 5, experts}) {
                    if (k > experts) {
                        continue;
                    }
                    Rng rng = new Rng(21).fork("topk " + experts + " " + rows + " " + k);
                    float[] logits = normal(rng, rows * experts, 2);
                    float[] bias = normal(rng, experts, 0.05);
                    for (boolean renormalize : new boolean[]{false, true}) {
                        checkTopk("topk", logits, null, rows, experts, k, renormalize);
                        checkTopk("topk", logits, bias, rows, experts, k, renormalize);
                    }
                }
            }
        }
    }

    @Test
    void tiesInfiniteBiasesAndUnderflowMatchReference() {
        int rows = 24;
        int experts = 16;
        Rng rng = new Rng(22);
        float[] ties = new float[rows * experts];
        for (int i = 0; i < ties.length; i++) {
            ties[i] = rng.nextInt(3); // many equal logits per row
        }
        java.util.Arrays.fill(ties, 5 * experts, 6 * experts, 1.5f); // one row all equal
        float[] spread = normal(rng, rows * experts, 60); // probabilities that underflow to 0
        float[] tiedBias = new float[experts];
        tiedBias[3] = 0.25f;
        tiedBias[9] = 0.25f;
        float[] infiniteBias = normal(rng, experts, 0.1);
        infiniteBias[2] = Float.POSITIVE_INFINITY;
        infiniteBias[11] = Float.POSITIVE_INFINITY;
        float[] negativeInfiniteBias = normal(rng, experts, 0.1);
        for (int e = 0; e < experts; e += 2) {
            negativeInfiniteBias[e] = Float.NEGATIVE_INFINITY;
        }
        for (int k : new int[]{1, 2, 3, 4, 16}) {
            for (float[] logits : new float[][]{ties, spread}) {
                for (float[] bias : new float[][]{null, tiedBias, infiniteBias, negativeInfiniteBias}) {
                    checkTopk("topk ties/infinities", logits, bias, rows, experts, k, false);
                }
            }
        }
    }

    @Test
    void nanInALaterBlockNamesItsRow() {
        int rows = 40;
        int experts = 16;
        for (float bad : new float[]{Float.NaN, Float.POSITIVE_INFINITY}) {
            float[] logits = normal(new Rng(23), rows * experts, 1);
            logits[29 * experts + 5] = bad;
            for (SimdBackend b : new SimdBackend[]{one, two}) {
                String expected = message(() -> topk(ref, logits, null, rows, experts, 2, false));
                String actual = message(() -> topk(b, logits, null, rows, experts, 2, false));
                assertTrue(actual.equals(expected), b.description() + " logit " + bad + ": '" + actual
                        + "', reference: '" + expected + "'");
            }
        }
        // two bad rows far apart: whichever thread meets the later one first, the first is reported
        int many = 4100;
        float[] twoBad = normal(new Rng(27), many * experts, 1);
        twoBad[3000 * experts + 2] = Float.NaN;
        twoBad[100 * experts + 9] = Float.NaN;
        for (SimdBackend b : new SimdBackend[]{one, two}) {
            for (int repeat = 0; repeat < 20; repeat++) {
                String actual = message(() -> topk(b, twoBad, null, many, experts, 2, false));
                assertTrue(actual.equals("topk: NaN in row 100 at expert 9"), b.description() + ": " + actual);
            }
        }
        float[] nanBias = new float[experts];
        nanBias[7] = Float.NaN;
        float[] logits = normal(new Rng(24), rows * experts, 1);
        String expected = message(() -> topk(ref, logits, nanBias, rows, experts, 2, false));
        String actual = message(() -> topk(two, logits, nanBias, rows, experts, 2, false));
        assertTrue(actual.equals(expected), "NaN bias: '" + actual + "', reference: '" + expected + "'");
    }

    /** The message up to the values: "topk: NaN in row R at expert E" (a prob may differ in its last digit). */
    private static String message(Runnable call) {
        String m = assertThrows(ArithmeticException.class, call::run).getMessage();
        return m.contains(" (") ? m.substring(0, m.indexOf(" (")) : m;
    }

    @Test
    void largeCallsAreBitIdenticalForAnyThreadCountAndMatchReference() {
        int rows = 2053; // several chunks per thread and a partial last block
        int experts = 16;
        Rng rng = new Rng(25);
        float[] logits = normal(rng, rows * experts, 2);
        float[] bias = normal(rng, experts, 0.05);
        for (int k : new int[]{1, 2}) {
            for (float[] b : new float[][]{null, bias}) {
                TopkResult r1 = topk(one, logits, b, rows, experts, k, true);
                TopkResult r2 = topk(two, logits, b, rows, experts, k, true);
                String what = "topk rows=" + rows + " K=" + k + " bias=" + (b != null);
                Compare.assertSameInts(what + " indices, 1 vs 2 threads", r1.indices(), r2.indices());
                sameBits(what + " weights, 1 vs 2 threads", r1.weights(), r2.weights());
                sameBits(what + " probs, 1 vs 2 threads", r1.probs(), r2.probs());
                checkTopk("topk large", logits, b, rows, experts, k, true);
            }
        }
    }

    @Test
    void backwardMatchesReferenceIncludingRepeatedIndices() {
        int rows = 37;
        for (int experts : new int[]{5, 16}) {
            for (int k : new int[]{1, 2, 3}) {
                Rng rng = new Rng(26).fork("topkBackward " + experts + " " + k);
                float[] logits = normal(rng, rows * experts, 2);
                float[] dweights = normal(rng, rows * k, 1);
                for (boolean renormalize : new boolean[]{false, true}) {
                    TopkResult picked = topk(ref, logits, null, rows, experts, k, renormalize);
                    int[] repeated = picked.indices().clone();
                    for (int r = 0; r < rows; r += 3) {
                        repeated[r * k + k - 1] = repeated[r * k]; // the same expert twice in a row
                    }
                    for (int[] indices : new int[][]{picked.indices(), repeated}) {
                        float[] expected = topkBackward(ref, dweights, picked.probs(), indices, rows, experts, k,
                                renormalize);
                        for (SimdBackend b : new SimdBackend[]{one, two}) {
                            Compare.assertClose("topkBackward E=" + experts + " K=" + k + " renormalize=" + renormalize
                                            + (indices == repeated ? " repeated" : "") + " [" + b.description() + "]",
                                    expected, topkBackward(b, dweights, picked.probs(), indices, rows, experts, k,
                                            renormalize), Tolerance.REDUCTION);
                        }
                    }
                }
            }
        }
    }

    private static float[] topkBackward(Backend b, float[] dweights, float[] probs, int[] indices, int rows,
                                        int experts, int k, boolean renormalize) {
        Storage dlogits = upload(b, new float[rows * experts]);
        b.routing().topkBackward(dlogits, upload(b, dweights), upload(b, probs), indices, rows, experts, k,
                renormalize);
        return download(b, dlogits, rows * experts);
    }

    // ---------------------------------------------------------------- helpers

    private static void sameBits(String what, float[] a, float[] b) {
        for (int i = 0; i < a.length; i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                throw new AssertionError(what + ": differ first at index " + i + ": " + a[i] + " vs " + b[i]);
            }
        }
    }

    private static Storage upload(Backend b, float[] host) {
        Storage s = b.allocate(host.length);
        b.copyIn(s, 0, host, 0, host.length);
        return s;
    }

    private static float[] download(Backend b, Storage s, int n) {
        float[] host = new float[n];
        b.copyOut(s, 0, host, 0, n);
        return host;
    }

    private static float[] normal(Rng rng, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (scale * rng.nextGaussian());
        }
        return x;
    }
}
