package org.jdna.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jdna.engine.gradcheck.GradCheck;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Rotary positions: the rotation against its closed form, the property it exists for (a query-key
 * score depends on the positions only through their difference), its gradient, and bad input.
 */
class RotaryEmbeddingTest {
    private static final int HD = 8;

    @Test
    void rotatesEachPairByPositionTimesItsFrequency() {
        RotaryEmbedding rope = new RotaryEmbedding(HD, 32, 100.0);
        Rng rng = new Rng(3);
        float[] x = Tensor.randn(rng, 1f, 2, 1, HD).toArray();
        int[] positions = {0, 7};
        float[] y = rope.apply(Tensor.of(x, 2, 1, HD), positions).toArray();
        for (int r = 0; r < 2; r++) {
            for (int i = 0; i < HD / 2; i++) {
                double angle = positions[r] * Math.pow(100.0, -2.0 * i / HD);
                double a = x[r * HD + i];
                double b = x[r * HD + HD / 2 + i];
                assertEquals(a * Math.cos(angle) - b * Math.sin(angle), y[r * HD + i], 1e-5, "row " + r + " pair " + i);
                assertEquals(b * Math.cos(angle) + a * Math.sin(angle), y[r * HD + HD / 2 + i], 1e-5, "row " + r + " pair " + i);
            }
        }
    }

    @Test
    void scoresDependOnlyOnTheDistanceBetweenPositions() {
        RotaryEmbedding rope = new RotaryEmbedding(HD, 64, RotaryEmbedding.DEFAULT_BASE);
        Rng rng = new Rng(5);
        Tensor q = Tensor.randn(rng, 1f, 1, 1, HD);
        Tensor k = Tensor.randn(rng, 1f, 1, 1, HD);
        double near = dot(rope.apply(q, new int[]{9}), rope.apply(k, new int[]{4}));
        double shifted = dot(rope.apply(q, new int[]{40}), rope.apply(k, new int[]{35}));
        double farther = dot(rope.apply(q, new int[]{40}), rope.apply(k, new int[]{20}));
        assertEquals(near, shifted, 1e-5);
        assertTrue(Math.abs(near - farther) > 1e-3, "a different distance gives a different score: " + near + " vs " + farther);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        RotaryEmbedding rope = new RotaryEmbedding(HD, 16, RotaryEmbedding.DEFAULT_BASE);
        Tensor x = Tensor.randn(new Rng(7), 1f, 3, 2, HD);
        int[] positions = {3, 0, 15};
        GradCheck.check("rotary", GradCheck.Tolerance.SMOOTH, in -> rope.apply(in[0], positions), x);
    }

    @Test
    void queriesAndKeysRotateAndValuesPassThrough() {
        RotaryEmbedding rope = new RotaryEmbedding(HD, 16, RotaryEmbedding.DEFAULT_BASE);
        int heads = 2;
        int d = heads * HD;
        Tensor qkv = Tensor.randn(new Rng(9), 1f, 2, 3 * d);
        int[] positions = {0, 5};
        float[] in = qkv.toArray();
        float[] out = rope.applyToQueriesAndKeys(qkv, heads, positions).toArray();
        float[] qk = rope.apply(qkv.slice(1, 0, 2 * d).reshape(2, 2 * heads, HD), positions).toArray();
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 3 * d; c++) {
                float expected = c < 2 * d ? qk[r * 2 * d + c] : in[r * 3 * d + c];
                assertEquals(expected, out[r * 3 * d + c], 0f, "row " + r + " column " + c);
            }
            for (int c = 0; c < 2 * d; c++) { // position 0 is the identity rotation
                if (r == 0) {
                    assertEquals(in[c], out[c], 1e-6f);
                }
            }
        }
    }

    @Test
    void badInputNamesTheProblem() {
        assertThrows(IllegalArgumentException.class, () -> new RotaryEmbedding(7, 16, 10_000));
        RotaryEmbedding rope = new RotaryEmbedding(HD, 4, RotaryEmbedding.DEFAULT_BASE);
        String far = assertThrows(IllegalArgumentException.class,
                () -> rope.apply(Tensor.zeros(1, 1, HD), new int[]{4})).getMessage();
        assertTrue(far.contains("position 4") && far.contains("[0, 4)"), far);
        String count = assertThrows(IllegalArgumentException.class,
                () -> rope.apply(Tensor.zeros(2, 1, HD), new int[]{1})).getMessage();
        assertTrue(count.contains("2 rows"), count);
        String odd = assertThrows(IllegalArgumentException.class,
                () -> TransformerBlock.Options.gpt2(6, 2).withRotary(8)).getMessage();
        assertTrue(odd.contains("even head width"), odd);
    }

    private static double dot(Tensor a, Tensor b) {
        float[] x = a.toArray();
        float[] y = b.toArray();
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += (double) x[i] * y[i];
        }
        return s;
    }
}
