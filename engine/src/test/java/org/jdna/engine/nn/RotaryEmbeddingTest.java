package org.jdna.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jdna.engine.gradcheck.GradCheck;
import org.jdna.engine.memory.MemoryScope;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Rotary positions on a packed qkv: the rotation against its closed form (values untouched), the
 * property it exists for (a query-key score depends on the positions only through their difference),
 * its gradient, tables that outlive a memory scope, and bad input.
 */
class RotaryEmbeddingTest {
    private static final int HEADS = 2;
    private static final int HD = 8;
    private static final int D = HEADS * HD;

    @Test
    void rotatesEachQueryAndKeyPairByPositionTimesItsFrequencyAndLeavesValues() {
        RotaryEmbedding rope = new RotaryEmbedding(HEADS, HD, 32, 100.0);
        float[] x = Tensor.randn(new Rng(3), 1f, 2, 3 * D).toArray();
        int[] positions = {0, 7};
        float[] y = rope.apply(Tensor.of(x, 2, 3 * D), positions).toArray();
        for (int r = 0; r < 2; r++) {
            int row = r * 3 * D;
            for (int h = 0; h < 2 * HEADS; h++) {   // query heads, then key heads
                for (int i = 0; i < HD / 2; i++) {
                    double angle = positions[r] * Math.pow(100.0, -2.0 * i / HD);
                    int at = row + h * HD + i;
                    double a = x[at];
                    double b = x[at + HD / 2];
                    assertEquals(a * Math.cos(angle) - b * Math.sin(angle), y[at], 1e-5, "row " + r + " head " + h);
                    assertEquals(b * Math.cos(angle) + a * Math.sin(angle), y[at + HD / 2], 1e-5, "row " + r + " head " + h);
                }
            }
            for (int c = 2 * D; c < 3 * D; c++) {
                assertEquals(x[row + c], y[row + c], 0f, "values pass unchanged");
            }
        }
    }

    @Test
    void scoresDependOnlyOnTheDistanceBetweenPositions() {
        RotaryEmbedding rope = new RotaryEmbedding(HEADS, HD, 64, RotaryEmbedding.DEFAULT_BASE);
        Tensor qkv = Tensor.randn(new Rng(5), 1f, 2, 3 * D);   // row 0 gives the query, row 1 the key
        double near = score(rope.apply(qkv, new int[]{9, 4}));
        double shifted = score(rope.apply(qkv, new int[]{40, 35}));
        double farther = score(rope.apply(qkv, new int[]{40, 20}));
        assertEquals(near, shifted, 1e-5);
        assertTrue(Math.abs(near - farther) > 1e-3, "a different distance gives a different score: " + near + " vs " + farther);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        RotaryEmbedding rope = new RotaryEmbedding(HEADS, HD, 16, RotaryEmbedding.DEFAULT_BASE);
        Tensor qkv = Tensor.randn(new Rng(7), 1f, 3, 3 * D);
        int[] positions = {3, 0, 15};
        GradCheck.check("rotary", GradCheck.Tolerance.SMOOTH, in -> rope.apply(in[0], positions), qkv);
    }

    @Test
    void tablesMadeInsideAScopeOutliveIt() {
        RotaryEmbedding rope = new RotaryEmbedding(HEADS, HD, 16, RotaryEmbedding.DEFAULT_BASE);
        Tensor qkv = Tensor.randn(new Rng(8), 1f, 2, 3 * D);
        float[] first;
        try (MemoryScope scope = MemoryScope.open()) {
            first = rope.apply(qkv, new int[]{1, 2}).toArray();     // the tables are made here
        }
        try (MemoryScope scope = MemoryScope.open()) {
            assertEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(rope.apply(qkv, new int[]{1, 2}).toArray()));
        }
    }

    @Test
    void badInputNamesTheProblem() {
        assertThrows(IllegalArgumentException.class, () -> new RotaryEmbedding(2, 7, 16, 10_000));
        RotaryEmbedding rope = new RotaryEmbedding(HEADS, HD, 4, RotaryEmbedding.DEFAULT_BASE);
        String far = assertThrows(IllegalArgumentException.class,
                () -> rope.apply(Tensor.zeros(1, 3 * D), new int[]{4})).getMessage();
        assertTrue(far.contains("position 4") && far.contains("[0, 4)"), far);
        String count = assertThrows(IllegalArgumentException.class,
                () -> rope.apply(Tensor.zeros(2, 3 * D), new int[]{1})).getMessage();
        assertTrue(count.contains("2 rows"), count);
        String shape = assertThrows(IllegalArgumentException.class,
                () -> rope.apply(Tensor.zeros(2, D), new int[]{0, 1})).getMessage();
        assertTrue(shape.contains("expected qkv (rows, 48)"), shape);
        String odd = assertThrows(IllegalArgumentException.class,
                () -> TransformerBlock.Options.gpt2(6, 2).withRotary(8)).getMessage();
        assertTrue(odd.contains("even head width"), odd);
    }

    /** Query of row 0 against key of row 1, summed over heads. */
    private static double score(Tensor qkv) {
        float[] x = qkv.toArray();
        double s = 0;
        for (int c = 0; c < D; c++) {
            s += (double) x[c] * x[3 * D + D + c];
        }
        return s;
    }
}
