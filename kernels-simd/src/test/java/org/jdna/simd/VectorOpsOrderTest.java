package org.jdna.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * expShifted adds its exp values in the order it had as one loop with an unrolled pair of accumulators (vectors
 * 0, 2, 4, ... into one, 1, 3, 5, ... into the other, a last odd vector into the first, the lane sum, then the
 * scalar tail in order). It was split into two passes to stop C2 from boxing its accumulator; a changed order
 * would change every loss in the last bits, and a resumed run of an older checkpoint would no longer follow the
 * run it continues. The expected sum is formed here from the values the kernel stored, so that only the order is
 * compared (an exp computed by interpreted test code could differ from the kernel's compiled one).
 */
class VectorOpsOrderTest {
    private static final int L = VectorOps.L;

    /** The one-loop order over values already computed. */
    private static float oneLoopOrder(float[] e, int n) {
        int i = 0;
        float sum = 0f;
        if (VectorOps.S != null) {
            FloatVector acc0 = FloatVector.zero(VectorOps.S), acc1 = FloatVector.zero(VectorOps.S);
            for (; i < n - 2 * L + 1; i += 2 * L) {
                acc0 = acc0.add(FloatVector.fromArray(VectorOps.S, e, i));
                acc1 = acc1.add(FloatVector.fromArray(VectorOps.S, e, i + L));
            }
            for (int up = VectorOps.upper(n); i < up; i += L) {
                acc0 = acc0.add(FloatVector.fromArray(VectorOps.S, e, i));
            }
            sum = VectorMath.sumLanes(acc0.add(acc1));
        }
        for (; i < n; i++) {
            sum += e[i];
        }
        return sum;
    }

    @Test
    void expShiftedAddsInTheOrderOfTheOneLoopForm() {
        Random random = new Random(7);
        for (int n = 0; n <= 5 * Math.max(L, 1) + 3; n++) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = (float) (random.nextGaussian() * 0.5);  // values of one magnitude: order shows in the rounding
            }
            float[] out = new float[n];
            float sum = VectorOps.expShifted(out, 0, x, 0, n, 1.5f);
            assertEquals(Float.floatToIntBits(oneLoopOrder(out, n)), Float.floatToIntBits(sum), "n = " + n);
        }
    }
}
