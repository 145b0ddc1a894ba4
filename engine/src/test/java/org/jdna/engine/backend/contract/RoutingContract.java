package org.jdna.engine.backend.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * Contract of the routing primitives: row gather/scatter-add, dispatch (sort + gather), gather along
 * an axis, top-k and the weighted combine. Chosen indices must match the reference exactly (ties to the lower index),
 * and so must the adds (indexAddRows, scatterAdd), whose order the SPI fixes; out-of-range indices are rejected,
 * duplicate ones summed, and values outside a combine's slots (NaN, infinities) never reach its output.
 *
 * <p>Legend: R rows, E experts, K top-k, W row width, T tokens, (O, L, I) gather view, J idxLen.
 */
public abstract class RoutingContract extends NormsContract {

    // ---------------------------------------------------------------- rows

    @Test
    void indexSelectRowsWithDuplicates() {
        for (int width : new int[]{1, 7, 33, 257}) {
            Rng rng = rng("indexSelectRows" + width);
            float[] src = normal(rng, 13 * width, 1);
            int[] rows = indices(rng, 20, 13);
            check("indexSelectRows width=" + width, Tolerance.EXACT, d -> {
                Storage out = d.garbage(20 * width);
                d.backend().indexing().indexSelectRows(out, d.upload(src), rows, 20, width);
                return d.results(out);
            });
        }
    }

    @Test
    void indexAddRowsAddsInOrderWithDuplicates() {
        for (int width : new int[]{1, 7, 33, 257}) {
            Rng rng = rng("indexAddRows" + width);
            float[] dst = normal(rng, 13 * width, 1);
            float[] src = normal(rng, 40 * width, 1);
            int[] rows = indices(rng, 40, 13);
            check("indexAddRows width=" + width, Tolerance.EXACT, d -> {
                Storage ds = d.upload(dst);
                d.backend().indexing().indexAddRows(ds, d.upload(src), rows, 40, width);
                return d.results(ds);
            });
        }
    }

    /**
     * "Adds in increasing i" fixes every bit: hundreds of float adds into each of a few rows (an
     * atomic or pairwise sum rounds differently), with infinities and a NaN among the sources.
     */
    @Test
    void indexAddRowsAndScatterAddMatchTheOrderedSumExactly() {
        for (int width : new int[]{1, 33}) {
            Rng rng = rng("indexAddRowsOrder" + width);
            float[] dst = normal(rng, 5 * width, 1);
            float[] src = normal(rng, 2000 * width, 100);
            int[] rows = indices(rng, 2000, 5);
            src[0] = Float.POSITIVE_INFINITY; // row rows[0] becomes +inf (or NaN, should a -inf follow)
            src[(1000 * width) + width - 1] = Float.NaN;
            src[1500 * width] = Float.NEGATIVE_INFINITY;
            check("indexAddRows 2000 into 5 rows, width=" + width, Tolerance.EXACT, d -> {
                Storage ds = d.upload(dst);
                d.backend().indexing().indexAddRows(ds, d.upload(src), rows, 2000, width);
                return d.results(ds);
            });
        }
        Rng rng = rng("scatterAddOrder");
        float[] dx = normal(rng, 3 * 33, 1);
        float[] dout = normal(rng, 2000 * 33, 100);
        int[] idx = indices(rng, 2000 * 33, 3);
        dout[40] = Float.POSITIVE_INFINITY;
        dout[41] = Float.NaN;
        dout[5000] = Float.NEGATIVE_INFINITY;
        check("scatterAdd (O, L, I, J) = (1, 3, 33, 2000)", Tolerance.EXACT, d -> {
            Storage dxs = d.upload(dx);
            d.backend().indexing().scatterAdd(dxs, d.upload(dout), idx, 1, 3, 33, 2000);
            return d.results(dxs);
        });
    }

    /** The order written out: 1 + 1e8 rounds to 1e8, so adding in order gives 0; backwards gives 1. */
    @Test
    void addsRunInIncreasingIndexOrderWrittenOut() {
        float[] src = {1f, 1e8f, -1e8f};
        try (Device d = new Device(backend())) {
            Storage dst = d.zeros(2);
            d.backend().indexing().indexAddRows(dst, d.upload(src), new int[]{1, 1, 1}, 3, 1);
            assertArrayEquals(new float[]{0f, 0f}, d.download(dst), "indexAddRows on " + backend().name());
            Storage dx = d.zeros(2);
            d.backend().indexing().scatterAdd(dx, d.upload(src), new int[]{1, 1, 1}, 1, 2, 1, 3);
            assertArrayEquals(new float[]{0f, 0f}, d.download(dx), "scatterAdd on " + backend().name());
        }
    }

    @Test
    void rowIndicesOutOfRangeAreRejected() {
        try (Device d = new Device(backend())) {
            Storage src = d.zeros(4 * 3);
            Storage out = d.zeros(2 * 3);
            assertNamed("indexSelectRows", "4", assertThrows(IndexOutOfBoundsException.class,
                    () -> d.backend().indexing().indexSelectRows(out, src, new int[]{0, 4}, 2, 3)));
            assertNamed("indexAddRows", "-1", assertThrows(IndexOutOfBoundsException.class,
                    () -> d.backend().indexing().indexAddRows(src, out, new int[]{-1, 0}, 2, 3)));
            assertNamed("gather", "7", assertThrows(IndexOutOfBoundsException.class,
                    () -> d.backend().indexing().gather(out, src, new int[]{0, 7, 0, 0, 0, 0}, 1, 4, 3, 2)));
            assertNamed("scatterAdd", "-2", assertThrows(IndexOutOfBoundsException.class,
                    () -> d.backend().indexing().scatterAdd(src, out, new int[]{0, 0, 0, 0, -2, 0}, 1, 4, 3, 2)));
        }
    }

    private static void assertNamed(String op, String value, RuntimeException e) {
        assertTrue(e.getMessage() != null && e.getMessage().contains(op) && e.getMessage().contains(value),
                "message should name " + op + " and " + value + ": " + e.getMessage());
    }

    // ---------------------------------------------------------------- dispatch

    /** Module choices (tokens, K), distinct per token, never module 5 (an empty module). */
    private static int[] choices(Rng rng, int tokens, int k, int experts) {
        int[] c = new int[tokens * k];
        for (int t = 0; t < tokens; t++) {
            for (int j = 0; j < k; j++) {
                int e;
                boolean taken;
                do {
                    e = rng.nextInt(experts);
                    taken = e == 5;
                    for (int i = 0; i < j; i++) {
                        taken |= c[t * k + i] == e;
                    }
                } while (taken);
                c[t * k + j] = e;
            }
        }
        return c;
    }

    /**
     * Sizes on both sides of a kernel's parallel split (1,000 tokens x K = 2 of 64 floats move enough
     * to use two threads), K = 1, 2, 3, with and without a skipped (identity) module.
     */
    @Test
    void dispatchSortsStablyAndGathers() {
        int experts = 7;
        for (int tokens : new int[]{0, 1, 13, 1000}) {
            for (int k = 1; k <= 3; k++) {
                for (int width : new int[]{1, 64, 257}) {
                    for (boolean withSkipped : new boolean[]{false, true}) {
                        Rng rng = rng("dispatch" + tokens + "x" + k + "x" + width + withSkipped);
                        float[] src = normal(rng, tokens * width, 1);
                        int[] choices = choices(rng, tokens, k, experts);
                        boolean[] skipped = withSkipped ? new boolean[]{false, false, true, false, false, false, false}
                                : null;
                        int kk = k;
                        check("dispatch N=" + tokens + " K=" + k + " W=" + width + " skipped=" + withSkipped,
                                Tolerance.EXACT, d -> {
                                    int[] counts = new int[experts];
                                    int[] offsets = new int[experts + 1];
                                    int[] tokenOfRow = new int[tokens * kk];
                                    int[] slotRow = new int[tokens * kk];
                                    Storage out = d.garbage(tokens * kk * width);
                                    int rows = d.backend().indexing().dispatch(out, counts, offsets, tokenOfRow,
                                            slotRow, d.upload(src), choices, skipped, tokens, kk, experts, width);
                                    float[][] r = d.results(out);
                                    return new float[][]{Arrays.copyOf(r[0], rows * width),
                                            asFloats(counts), asFloats(offsets),
                                            asFloats(Arrays.copyOf(tokenOfRow, rows)), asFloats(slotRow)};
                                });
                    }
                }
            }
        }
    }

    /** A case small enough to write out: the specification itself (the reference) is held to it too. */
    @Test
    void dispatchOfAWrittenOutCase() {
        // 4 tokens, K = 2, E = 3, module 1 skipped; rows of width 2 hold (10 t, 10 t + 1).
        // module 0 gets tokens 0, 1, 3 (rows 0-2), module 2 tokens 0, 2, 3 (rows 3-5)
        int[] choices = {2, 0, 0, 1, 2, 1, 0, 2};
        try (Device d = new Device(backend())) {
            Storage src = d.upload(new float[]{0, 1, 10, 11, 20, 21, 30, 31});
            int[] counts = new int[3];
            int[] offsets = new int[4];
            int[] tokenOfRow = new int[8];
            int[] slotRow = new int[8];
            Storage out = d.garbage(8 * 2);
            int rows = d.backend().indexing().dispatch(out, counts, offsets, tokenOfRow, slotRow, src, choices,
                    new boolean[]{false, true, false}, 4, 2, 3, 2);
            assertEquals(6, rows);
            assertArrayEquals(new int[]{3, 0, 3}, counts);
            assertArrayEquals(new int[]{0, 3, 3, 6}, offsets);
            assertArrayEquals(new int[]{0, 1, 3, 0, 2, 3},
                    Arrays.copyOf(tokenOfRow, 6));
            assertArrayEquals(new int[]{3, 0, 1, -1, 4, -1, 2, 5}, slotRow);
            assertArrayEquals(new float[]{0, 1, 10, 11, 30, 31, 0, 1, 20, 21, 30, 31},
                    Arrays.copyOf(d.results(out)[0], 12));
        }
    }

    /** A bad module index far into a large call: named, and nothing of the outputs written. */
    @Test
    void dispatchRejectsABadModuleWritingNothing() {
        int tokens = 1000;
        int width = 64;
        int[] choices = choices(rng("dispatchBad"), tokens, 2, 7);
        choices[700 * 2 + 1] = 9;
        choices[900 * 2] = -3;
        try (Device d = new Device(backend())) {
            float[] before = new float[tokens * 2 * width];
            Arrays.fill(before, 42f);
            Storage out = d.upload(before);
            int[] tokenOfRow = new int[tokens * 2];
            int[] slotRow = new int[tokens * 2];
            Arrays.fill(tokenOfRow, 7);
            Arrays.fill(slotRow, 7);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> d.backend().indexing().dispatch(out, new int[7], new int[8], tokenOfRow, slotRow,
                            d.upload(new float[tokens * width]), choices, null, tokens, 2, 7, width));
            assertNamed("dispatch", "9 of token 700, slot 1", e);
            assertArrayEquals(before, d.results(out)[0], "out was written");
            assertTrue(Arrays.stream(tokenOfRow).allMatch(v -> v == 7), "tokenOfRow was written");
            assertTrue(Arrays.stream(slotRow).allMatch(v -> v == 7), "slotRow was written");
            assertNamed("dispatch", "K = 8", assertThrows(IllegalArgumentException.class,
                    () -> d.backend().indexing().dispatch(out, new int[7], new int[8], tokenOfRow, slotRow,
                            d.upload(new float[tokens * width]), choices, null, 250, 8, 7, width)));
        }
    }

    // ---------------------------------------------------------------- gather / scatter

    private static final int[][] GATHER_VIEWS = {{3, 7, 5, 4}, {1, 257, 1, 300}, {2, 5, 33, 9}};

    @Test
    void gatherAlongTheMiddleAxis() {
        for (int[] v : GATHER_VIEWS) {
            Rng rng = rng("gather" + v[1] + v[2]);
            float[] x = normal(rng, v[0] * v[1] * v[2], 1);
            int[] idx = indices(rng, v[0] * v[3] * v[2], v[1]);
            check("gather (O, L, I, J) = (" + v[0] + ", " + v[1] + ", " + v[2] + ", " + v[3] + ")", Tolerance.EXACT, d -> {
                Storage out = d.garbage(v[0] * v[3] * v[2]);
                d.backend().indexing().gather(out, d.upload(x), idx, v[0], v[1], v[2], v[3]);
                return d.results(out);
            });
        }
    }

    @Test
    void scatterAddAddsInOrderWithDuplicates() {
        for (int[] v : GATHER_VIEWS) {
            Rng rng = rng("scatterAdd" + v[1] + v[2]);
            float[] dx = normal(rng, v[0] * v[1] * v[2], 1);
            float[] dout = normal(rng, v[0] * v[3] * v[2], 1);
            int[] idx = indices(rng, v[0] * v[3] * v[2], v[1]);
            check("scatterAdd (O, L, I, J) = (" + v[0] + ", " + v[1] + ", " + v[2] + ", " + v[3] + ")",
                    Tolerance.EXACT, d -> {
                        Storage dxs = d.upload(dx);
                        d.backend().indexing().scatterAdd(dxs, d.upload(dout), idx, v[0], v[1], v[2], v[3]);
                        return d.results(dxs);
                    });
        }
    }

    // ---------------------------------------------------------------- top-k

    /** Runs topk on one backend; returns {indices as floats, weights, probs}. */
    private static float[][] topkOn(Backend backend, float[] logits, float[] bias, int rows, int experts, int k,
                                    boolean renormalize) {
        try (Device d = new Device(backend)) {
            int[] chosen = new int[rows * k];
            Storage weights = d.garbage(rows * k);
            Storage probs = d.garbage(rows * experts);
            backend.routing().topk(chosen, weights, probs, d.upload(logits), bias, rows, experts, k, renormalize);
            return new float[][]{asFloats(chosen), d.download(weights), d.download(probs)};
        }
    }

    private void checkTopk(String what, float[] logits, float[] bias, int rows, int experts, int k, boolean renormalize) {
        float[][] expected = topkOn(REFERENCE, logits, bias, rows, experts, k, renormalize);
        float[][] actual = topkOn(backend(), logits, bias, rows, experts, k, renormalize);
        String name = what + " rows=" + rows + " E=" + experts + " K=" + k + " renormalize=" + renormalize
                + " bias=" + (bias != null) + " [" + backend().name() + " vs reference]";
        Compare.assertClose(name + " indices", expected[0], actual[0], Tolerance.EXACT);
        Compare.assertClose(name + " weights", expected[1], actual[1], tolerance(Tolerance.REDUCTION));
        Compare.assertClose(name + " probs", expected[2], actual[2], tolerance(Tolerance.REDUCTION));
    }

    @Test
    void topkWithAndWithoutBiasAndRenormalization() {
        int rows = 17;
        for (int experts : new int[]{1, 4, 7, 33}) {
            for (int k : new int[]{1, 2, experts}) {
                if (k > experts) {
                    continue;
                }
                Rng rng = rng("topk" + experts + k);
                float[] logits = normal(rng, rows * experts, 2);
                float[] bias = normal(rng, experts, 0.05);
                for (boolean renormalize : new boolean[]{false, true}) {
                    checkTopk("topk", logits, null, rows, experts, k, renormalize);
                    checkTopk("topk", logits, bias, rows, experts, k, renormalize);
                }
            }
        }
    }

    @Test
    void topkBreaksTiesTowardTheLowerIndex() {
        int rows = 20;
        int experts = 9;
        float[] logits = integers(rng("topkTies"), rows * experts, 1); // many equal logits per row
        for (int k : new int[]{1, 3, 9}) {
            checkTopk("topk ties", logits, null, rows, experts, k, true);
        }
    }

    @Test
    void topkRejectsNaNNamingTheRow() {
        float[] logits = normal(rng("topkNaN"), 3 * 4, 1);
        logits[2 * 4 + 1] = Float.NaN;
        try (Device d = new Device(backend())) {
            Storage x = d.upload(logits);
            ArithmeticException e = assertThrows(ArithmeticException.class,
                    () -> d.backend().routing().topk(new int[3 * 2], d.zeros(6), d.zeros(12), x, null, 3, 4, 2, true));
            assertTrue(e.getMessage().contains("topk") && e.getMessage().contains("2")
                    && e.getMessage().contains("NaN"), "message should name topk, row 2 and NaN: " + e.getMessage());
        }
    }

    @Test
    void topkBackwardBothModes() {
        int rows = 13;
        for (int experts : new int[]{1, 4, 33}) {
            for (int k : new int[]{1, 2}) {
                if (k > experts) {
                    continue;
                }
                for (boolean renormalize : new boolean[]{false, true}) {
                    Rng rng = rng("topkBackward" + experts + k + renormalize);
                    float[] logits = normal(rng, rows * experts, 2);
                    float[] dweights = normal(rng, rows * k, 1);
                    int[] chosen = new int[rows * k];
                    float[] probs = new float[rows * experts];
                    try (Device d = new Device(REFERENCE)) { // the same choice on both sides
                        Storage p = d.zeros(rows * experts);
                        REFERENCE.routing().topk(chosen, d.zeros(rows * k), p, d.upload(logits), null, rows, experts, k,
                                renormalize);
                        probs = d.download(p);
                    }
                    float[] savedProbs = probs;
                    check("topkBackward E=" + experts + " K=" + k + " renormalize=" + renormalize, Tolerance.REDUCTION, d -> {
                        Storage dlogits = d.garbage(rows * experts);
                        d.backend().routing().topkBackward(dlogits, d.upload(dweights), d.upload(savedProbs), chosen,
                                rows, experts, k, renormalize);
                        return d.results(dlogits);
                    });
                }
            }
        }
    }

    /**
     * Indices named twice in a row (topk never picks them, but the backward's rule is a sum over
     * picks): both picks' gradients reach the expert. Renormalised or not, K up to E + 1.
     */
    @Test
    void topkBackwardSumsDuplicateIndices() {
        int rows = 9;
        int experts = 5;
        for (int k : new int[]{2, 3, 6}) {
            for (boolean renormalize : new boolean[]{false, true}) {
                Rng rng = rng("topkBackwardDuplicates" + k + renormalize);
                float[] logits = normal(rng, rows * experts, 1);
                float[] dweights = normal(rng, rows * k, 1);
                int[] chosen = indices(rng, rows * k, experts);
                for (int r = 0; r < rows; r++) {
                    chosen[r * k + 1] = chosen[r * k]; // at least one duplicate per row
                }
                float[] probs = new float[rows * experts];
                try (Device d = new Device(REFERENCE)) {
                    Storage p = d.zeros(rows * experts);
                    REFERENCE.norms().softmax(p, d.upload(logits), rows, experts, false);
                    probs = d.download(p);
                }
                float[] savedProbs = probs;
                check("topkBackward duplicates K=" + k + " renormalize=" + renormalize, Tolerance.REDUCTION, d -> {
                    Storage dlogits = d.garbage(rows * experts);
                    d.backend().routing().topkBackward(dlogits, d.upload(dweights), d.upload(savedProbs), chosen, rows,
                            experts, k, renormalize);
                    return d.results(dlogits);
                });
            }
        }
    }

    // ---------------------------------------------------------------- combine

    /** Distinct dispatch rows in [0, yRows) per slot, with about one slot in five dropped (-1). */
    private static int[] slots(Rng rng, int tokens, int k, int yRows) {
        int[] perm = new int[yRows];
        for (int i = 0; i < yRows; i++) {
            perm[i] = i;
        }
        for (int i = yRows - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int[] s = new int[tokens * k];
        for (int i = 0; i < s.length; i++) {
            s[i] = rng.nextInt(5) == 0 ? -1 : perm[i];
        }
        return s;
    }

    /** K = 1 and 2 (kernels may have paths of their own for them) and 3, some slots dropped. */
    @Test
    void combineSkipsDroppedSlots() {
        int tokens = 11;
        int yRows = 40;
        for (int k = 1; k <= 3; k++) {
            for (int width : new int[]{1, 7, 33, 257}) {
                Rng rng = rng("combine" + k + "x" + width);
                float[] y = normal(rng, yRows * width, 1);
                float[] weights = uniform(rng, tokens * k, 0, 1);
                int[] slotRows = slots(rng, tokens, k, yRows);
                int kk = k;
                check("combine K=" + k + " width=" + width, Tolerance.REDUCTION, d -> {
                    Storage out = d.garbage(tokens * width);
                    d.backend().routing().combine(out, d.upload(y), d.upload(weights), slotRows, tokens, kk, width);
                    return d.results(out);
                });
            }
        }
    }

    @Test
    void combineBackwardLeavesUnnamedRows() {
        int tokens = 11;
        int k = 3;
        int yRows = 40;
        for (int width : new int[]{1, 7, 33, 257}) {
            Rng rng = rng("combineBackward" + width);
            float[] y = normal(rng, yRows * width, 1);
            float[] dyBefore = normal(rng, yRows * width, 1);
            float[] weights = uniform(rng, tokens * k, 0, 1);
            float[] dout = normal(rng, tokens * width, 1);
            int[] slotRows = slots(rng, tokens, k, yRows);
            check("combineBackward width=" + width, Tolerance.REDUCTION, d -> {
                Storage dy = d.upload(dyBefore);
                Storage dweights = d.garbage(tokens * k);
                d.backend().routing().combineBackward(dy, dweights, d.upload(dout), d.upload(y), d.upload(weights),
                        slotRows, tokens, k, width);
                return d.results(dy, dweights);
            });
        }
    }

    @Test
    void combineRejectsASlotOutOfRange() {
        try (Device d = new Device(backend())) {
            Storage y = d.zeros(4 * 3);
            assertNamed("combine", "9", assertThrows(IndexOutOfBoundsException.class,
                    () -> d.backend().routing().combine(d.zeros(3), y, d.zeros(2), new int[]{-1, 9}, 1, 2, 3)));
            assertNamed("combine", "-2", assertThrows(IndexOutOfBoundsException.class,
                    () -> d.backend().routing().combine(d.zeros(3), y, d.zeros(2), new int[]{0, -2}, 1, 2, 3)));
        }
    }

    /** The backward kernels check their indices too (a bad one would write outside dy or dlogits). */
    @Test
    void combineBackwardAndTopkBackwardRejectIndicesOutOfRange() {
        try (Device d = new Device(backend())) {
            Storage y = d.zeros(4 * 3);
            Storage dout = d.zeros(2 * 3);
            Storage weights = d.zeros(2 * 2);
            assertNamed("combineBackward", "4", assertThrows(IndexOutOfBoundsException.class,
                    () -> d.backend().routing().combineBackward(d.zeros(4 * 3), d.zeros(4), dout, y, weights,
                            new int[]{0, 1, 4, -1}, 2, 2, 3)));
            assertNamed("combineBackward", "-3", assertThrows(IndexOutOfBoundsException.class,
                    () -> d.backend().routing().combineBackward(d.zeros(4 * 3), d.zeros(4), dout, y, weights,
                            new int[]{0, -3, 2, 3}, 2, 2, 3)));
            Storage probs = d.upload(new float[]{0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f});
            assertNamed("topkBackward", "4", assertThrows(IndexOutOfBoundsException.class,
                    () -> d.backend().routing().topkBackward(d.zeros(8), weights, probs, new int[]{0, 1, 2, 4}, 2, 4, 2,
                            true)));
            assertNamed("topkBackward", "-1", assertThrows(IndexOutOfBoundsException.class,
                    () -> d.backend().routing().topkBackward(d.zeros(8), weights, probs, new int[]{-1, 1, 2, 3}, 2, 4,
                            2, false)));
        }
    }

    /**
     * A dropped slot (-1) contributes nothing, even when its weight is NaN and rows no slot names
     * hold infinities and NaN (a kernel that multiplies by a 0/1 mask instead of skipping gets
     * NaN); a NaN or infinity in a row that is named reaches its token.
     */
    @Test
    void combineIgnoresNonFiniteValuesOutsideItsSlots() {
        int tokens = 11;
        int yRows = 40;
        for (int k = 1; k <= 3; k++) {
            for (int width : new int[]{7, 33}) {
                Rng rng = rng("combineNonFinite" + k + "x" + width);
                float[] y = normal(rng, yRows * width, 1);
                float[] weights = uniform(rng, tokens * k, 0, 1);
                float[] dout = normal(rng, tokens * width, 1);
                int[] slotRows = slots(rng, tokens, k, yRows);
                boolean[] named = new boolean[yRows];
                for (int s = 0; s < slotRows.length; s++) {
                    if (slotRows[s] == -1) {
                        weights[s] = Float.NaN;
                    } else {
                        named[slotRows[s]] = true;
                    }
                }
                int poisoned = 0;
                for (int r = 0; r < yRows; r++) {
                    if (!named[r]) {
                        float poison = poisoned++ % 2 == 0 ? Float.NaN : Float.POSITIVE_INFINITY;
                        Arrays.fill(y, r * width, (r + 1) * width, poison);
                    }
                }
                int firstNamed = slotRows[0] == -1 ? slotRows[slotRows.length - 1] : slotRows[0];
                if (firstNamed != -1) {
                    y[firstNamed * width] = Float.NEGATIVE_INFINITY;
                    y[firstNamed * width + 1] = Float.NaN;
                }
                int kk = k;
                check("combine and combineBackward, non-finite values, K=" + k + " width=" + width, Tolerance.REDUCTION,
                        d -> {
                            Storage ys = d.upload(y);
                            Storage ws = d.upload(weights);
                            Storage out = d.garbage(tokens * width);
                            d.backend().routing().combine(out, ys, ws, slotRows, tokens, kk, width);
                            Storage dy = d.upload(y);
                            Storage dws = d.garbage(tokens * kk);
                            d.backend().routing().combineBackward(dy, dws, d.upload(dout), ys, ws, slotRows, tokens, kk,
                                    width);
                            return d.results(out, dy, dws);
                        });
            }
        }
    }
}
