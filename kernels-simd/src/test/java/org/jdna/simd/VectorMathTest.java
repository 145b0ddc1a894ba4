package org.jdna.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * VectorMath against java.lang.Math: exp and tanh within a few ulp over their whole range (with
 * the special values), and the lane sum equal to the tree it promises, lane by lane in Java.
 */
class VectorMathTest {
    private static final int L = SimdConfig.LANES;

    private static float[] apply(java.util.function.UnaryOperator<FloatVector> f, float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i += L) {
            f.apply(FloatVector.fromArray(SimdConfig.SPECIES, x, i)).intoArray(out, i);
        }
        return out;
    }

    private static float[] sweep(float from, float to, int n) {
        int padded = (n + L - 1) / L * L;
        float[] x = new float[padded];
        for (int i = 0; i < padded; i++) {
            x[i] = from + (to - from) * i / (padded - 1);
        }
        return x;
    }

    private static void assertUlps(String what, double expected, float actual, int ulps) {
        float e = (float) expected;
        assertTrue(Math.abs(e - actual) <= ulps * Math.ulp(e), what + ": expected " + e + ", got " + actual
                + " (" + Math.abs(e - actual) / Math.ulp(e) + " ulp)");
    }

    @Test
    void expIsWithinTwoUlpAndHandlesItsEdges() {
        assumeTrue(SimdConfig.SPECIES != null, "scalar fallback: no vectors");
        float[] x = sweep(-87f, 88.7f, 200_000);
        float[] y = apply(VectorMath::exp, x);
        for (int i = 0; i < x.length; i++) {
            assertUlps("exp(" + x[i] + ")", Math.exp(x[i]), y[i], 2);
        }
        float[] edges = new float[Math.max(L, 8)];
        float[] values = {Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, -200f, 89f, 0f, -0f, 1f};
        System.arraycopy(values, 0, edges, 0, values.length);
        float[] e = apply(VectorMath::exp, java.util.Arrays.copyOf(edges, (edges.length + L - 1) / L * L));
        assertTrue(Float.isNaN(e[0]), "exp(NaN)");
        assertEquals(0f, e[1], "exp(-inf)");
        assertEquals(Float.POSITIVE_INFINITY, e[2], "exp(+inf)");
        assertEquals(0f, e[3], "exp(-200)");
        assertEquals(Float.POSITIVE_INFINITY, e[4], "exp(89)");
        assertEquals(1f, e[5], "exp(0)");
        assertEquals(1f, e[6], "exp(-0)");
        assertEquals((float) Math.E, e[7], Math.ulp((float) Math.E), "exp(1)");
    }

    @Test
    void tanhIsWithinFourUlpAndHandlesItsEdges() {
        assumeTrue(SimdConfig.SPECIES != null, "scalar fallback: no vectors");
        float[] x = sweep(-12f, 12f, 200_000);
        float[] y = apply(VectorMath::tanh, x);
        for (int i = 0; i < x.length; i++) {
            if (Math.abs(x[i]) > 1e-30f) {
                assertUlps("tanh(" + x[i] + ")", Math.tanh(x[i]), y[i], 4);
            }
        }
        float[] values = {Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 1e-20f, -3e-8f, 50f, -50f, 0f};
        float[] edges = java.util.Arrays.copyOf(values, (values.length + L - 1) / L * L);
        float[] t = apply(VectorMath::tanh, edges);
        assertTrue(Float.isNaN(t[0]), "tanh(NaN)");
        assertEquals(-1f, t[1], "tanh(-inf)");
        assertEquals(1f, t[2], "tanh(+inf)");
        assertEquals(1e-20f, t[3], "tanh(1e-20)");
        assertEquals(-3e-8f, t[4], "tanh(-3e-8)");
        assertEquals(1f, t[5], "tanh(50)");
        assertEquals(-1f, t[6], "tanh(-50)");
        assertEquals(0f, t[7], "tanh(0)");
    }

    /** The tree: lane i + lane i + L/2, then the same on the first half, down to one lane. */
    @Test
    void sumLanesIsItsTree() {
        assumeTrue(SimdConfig.SPECIES != null, "scalar fallback: no vectors");
        Random rng = new Random(3);
        for (int trial = 0; trial < 1000; trial++) {
            float[] v = new float[L];
            for (int i = 0; i < L; i++) {
                v[i] = (float) (rng.nextGaussian() * Math.exp(rng.nextGaussian() * 4));
            }
            float[] tree = v.clone();
            for (int half = L / 2; half >= 1; half /= 2) {
                for (int i = 0; i < half; i++) {
                    tree[i] = tree[i] + tree[i + half];
                }
            }
            assertEquals(tree[0], VectorMath.sumLanes(FloatVector.fromArray(SimdConfig.SPECIES, v, 0)),
                    "trial " + trial);
        }
    }
}
