package org.jdna.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.jdna.engine.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * The softmax of {@link SimdTopK#exponentialColumns} (its own exponential) against the softmax in
 * double: error in ulps over the whole range down to subnormal probabilities, the low clamp, NaN,
 * and equal inputs giving equal bits.
 */
class ExponentialColumnsTest {
    private static final int L = SimdConfig.LANES;

    /** exponentialColumns is the vector path: the scalar run (jdna.simd.bits=0) has none, so it shows as skipped. */
    private static void assumeVectorSpecies() {
        assumeTrue(SimdConfig.SPECIES != null, "scalar run (jdna.simd.bits=0): exponentialColumns is vector-only");
    }

    /** Two columns per block: expert 0 has logit 0, expert 1 logit x[lane] (so the row max is 0). */
    private static float[] columns(float[] x) {
        float[] scratch = new float[x.length * 2];
        for (int i = 0; i < x.length; i++) {
            int block = i / L;
            scratch[block * 2 * L + L + i % L] = x[i];
        }
        return scratch;
    }

    @Test
    void withinTwoUlpsOfTheSoftmaxInDouble() {
        assumeVectorSpecies();
        Rng rng = new Rng(31);
        float[] x = new float[L * 4096];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (-rng.nextDouble() * (i % 3 == 0 ? 1 : i % 3 == 1 ? 20 : 109));
        }
        x[0] = 0f;
        x[1] = -0f;
        float[] scratch = columns(x);
        assertEquals(x.length / L, SimdTopK.exponentialColumns(scratch, 2 * L, 2, x.length / L));
        double worst = 0;
        int worstAt = 0;
        for (int i = 0; i < x.length; i++) {
            int at = (i / L) * 2 * L + i % L;
            double ex = Math.exp(x[i]);
            float[] expected = {(float) (1 / (1 + ex)), (float) (ex / (1 + ex))};
            for (int e = 0; e < 2; e++) {
                double ulps = Math.abs((double) scratch[at + e * L] - expected[e]) / Math.ulp(expected[e]);
                if (ulps > worst) {
                    worst = ulps;
                    worstAt = i;
                }
            }
        }
        assertTrue(worst <= 2.0, "largest error " + worst + " ulp at x = " + x[worstAt]);
    }

    @Test
    void clampsLowLogitsStopsAtNaNAndGivesEqualBitsForEqualInputs() {
        assumeVectorSpecies();
        float[] x = new float[2 * L];
        x[0] = Float.NEGATIVE_INFINITY;
        x[1] = -1000f;
        for (int i = 2; i < L; i++) {
            x[i] = -3.25f;
        }
        x[L] = Float.NaN; // the second block
        float[] scratch = columns(x);
        assertEquals(1, SimdTopK.exponentialColumns(scratch, 2 * L, 2, 2), "stops at the block with a NaN");
        assertEquals(0f, scratch[L], "-inf has probability 0");
        assertEquals(0f, scratch[L + 1], "-1000 has probability 0");
        assertEquals(1f, scratch[0]);
        for (int i = 3; i < L; i++) {
            assertEquals(Float.floatToRawIntBits(scratch[L + 2]), Float.floatToRawIntBits(scratch[L + i]), "lane " + i);
        }
    }
}
