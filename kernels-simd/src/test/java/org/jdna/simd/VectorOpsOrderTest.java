package org.jdna.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The exp sums keep the summation order they had when each was one loop with an unrolled pair of accumulators
 * (written out below): they were split to stop C2 from boxing (VectorOps.expShifted, sumExpShifted), and a
 * changed order would change every loss in the last bits, so a resumed run of an older checkpoint would no longer
 * follow the run it continues.
 */
class VectorOpsOrderTest {
    private static final int L = VectorOps.L;

    /** The one-loop form: vectors in pairs into acc0 / acc1, a last odd vector into acc0, lane sum, scalar tail. */
    private static float oneLoop(float[] x, int n, float shift) {
        int i = 0;
        float sum = 0f;
        if (VectorOps.S != null) {
            FloatVector m = FloatVector.broadcast(VectorOps.S, shift);
            FloatVector acc0 = FloatVector.zero(VectorOps.S), acc1 = FloatVector.zero(VectorOps.S);
            for (; i < n - 2 * L + 1; i += 2 * L) {
                acc0 = acc0.add(VectorMath.exp(FloatVector.fromArray(VectorOps.S, x, i).sub(m)));
                acc1 = acc1.add(VectorMath.exp(FloatVector.fromArray(VectorOps.S, x, i + L).sub(m)));
            }
            for (int up = VectorOps.upper(n); i < up; i += L) {
                acc0 = acc0.add(VectorMath.exp(FloatVector.fromArray(VectorOps.S, x, i).sub(m)));
            }
            sum = VectorMath.sumLanes(acc0.add(acc1));
        }
        for (; i < n; i++) {
            sum += (float) Math.exp(x[i] - shift);
        }
        return sum;
    }

    @Test
    void expSumsAddInTheOrderOfTheOneLoopForm() {
        Random random = new Random(7);
        for (int n = 0; n <= 5 * Math.max(L, 1) + 3; n++) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = (float) (random.nextGaussian() * 4);
            }
            float expected = oneLoop(x, n, 1.5f);
            float[] out = new float[n];
            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(VectorOps.expShifted(out, 0, x, 0, n, 1.5f)),
                    "expShifted, n = " + n);
            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(VectorOps.sumExpShifted(x, 0, n, 1.5f)),
                    "sumExpShifted, n = " + n);
        }
    }
}
