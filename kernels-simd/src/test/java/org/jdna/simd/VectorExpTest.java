package org.jdna.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import org.jdna.engine.tensor.Rng;
import org.junit.jupiter.api.Test;

/** {@link VectorExp} against Math.exp: error in ulps, the clamp, NaN, and equal inputs giving equal bits. */
class VectorExpTest {

    /** expScaled over n inputs, a vector at a time (scalar species: nothing to test). */
    private static float[] expScaled(float[] x) {
        float[] y = new float[x.length];
        int l = SimdConfig.LANES;
        for (int i = 0; i + l <= x.length; i += l) {
            VectorExp.expScaled(FloatVector.fromArray(SimdConfig.SPECIES, x, i)).intoArray(y, i);
        }
        return y;
    }

    @Test
    void withinOneUlpOfMathExpTimesTwoToThe64() {
        if (SimdConfig.SPECIES == null) {
            return;
        }
        Rng rng = new Rng(31);
        float[] x = new float[1 << 16];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (-rng.nextDouble() * (i % 3 == 0 ? 1 : i % 3 == 1 ? 20 : 109));
        }
        x[0] = 0f;
        x[1] = -0f;
        float[] y = expScaled(x);
        double worst = 0;
        int worstAt = 0;
        for (int i = 0; i < x.length; i++) {
            float expected = (float) (Math.exp(x[i]) * VectorExp.SCALE);
            double ulps = Math.abs((double) y[i] - expected) / Math.ulp(expected);
            if (ulps > worst) {
                worst = ulps;
                worstAt = i;
            }
        }
        assertTrue(worst <= 1.0, "largest error " + worst + " ulp at x = " + x[worstAt] + ": " + y[worstAt]
                + " vs " + (float) (Math.exp(x[worstAt]) * VectorExp.SCALE));
    }

    @Test
    void clampsLowInputsKeepsNaNAndGivesEqualBitsForEqualInputs() {
        if (SimdConfig.SPECIES == null) {
            return;
        }
        int l = SimdConfig.LANES;
        float[] x = new float[4 * l];
        x[0] = Float.NEGATIVE_INFINITY;
        x[1] = -1000f;
        x[2] = Float.NaN;
        x[3] = -110f;
        for (int i = 4; i < x.length; i++) {
            x[i] = -3.25f;
        }
        float[] y = expScaled(x);
        float atClamp = (float) (Math.exp(-110) * VectorExp.SCALE);
        assertEquals(y[3], y[0], "-inf is clamped to -110");
        assertEquals(y[3], y[1], "-1000 is clamped to -110");
        assertEquals(atClamp, y[3], Math.ulp(atClamp));
        assertTrue(Float.isNaN(y[2]), "NaN stays NaN");
        for (int i = 5; i < x.length; i++) {
            assertEquals(Float.floatToRawIntBits(y[4]), Float.floatToRawIntBits(y[i]), "lane " + i);
        }
    }
}
