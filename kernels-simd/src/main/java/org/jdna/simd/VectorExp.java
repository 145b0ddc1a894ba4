package org.jdna.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * e^x lane-wise from exactly rounded operations only (fma, multiply, add, compare, blend, integer
 * shifts), so that it gives the same bits whether C2 has compiled the caller or not, on every
 * thread and every x86 CPU. {@code lanewise(VectorOperators.EXP)} does not: compiled it calls
 * Intel's SVML, interpreted it falls back to StrictMath per lane, and the two can differ in the last
 * bit, which would break top-k's ties and its bit-identical results across thread counts when a
 * method is deoptimised or compiled in the middle of a call.
 *
 * <p>Method (Cephes' expf): n = round(x log2(e)) by the 1.5 * 2^23 trick, r = x - n ln(2) in two
 * parts (Cody-Waite), e^r = 1 + r + r^2 P(r) with P of degree 5 on |r| &lt;= ln(2)/2, then 2^n as
 * two power-of-two factors, so that results in the subnormal range round once (gradual underflow,
 * as Math.exp). x is clamped to [-110, 100], where e^x is 0 and +inf in float; NaN stays NaN.
 * Measured error against (float) Math.exp: at most 1 ulp over [-120, 88].
 */
final class VectorExp {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    /** Int lanes of the same shape, for the exponent bits. */
    private static final VectorSpecies<Integer> I = S == null ? null : S.withLanes(int.class);
    /** 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer in the low mantissa bits. */
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    // Constants as vectors held in static finals: C2 loads each once; a broadcast per call would
    // inline a dozen methods per constant and, in a large caller, exhaust C2's node budget.
    private static final FloatVector ROUND_V = constant(ROUND);
    private static final FloatVector LOG2_E = constant(1.44269504088896341f);
    /** -ln(2) = -(LN2_HIGH + LN2_LOW); LN2_HIGH has few mantissa bits, so n * LN2_HIGH is exact. */
    private static final FloatVector MINUS_LN2_HIGH = constant(-0.693359375f);
    private static final FloatVector MINUS_LN2_LOW = constant(2.12194440e-4f);
    private static final FloatVector P0 = constant(1.9875691500e-4f);
    private static final FloatVector P1 = constant(1.3981999507e-3f);
    private static final FloatVector P2 = constant(8.3334519073e-3f);
    private static final FloatVector P3 = constant(4.1665795894e-2f);
    private static final FloatVector P4 = constant(1.6666665459e-1f);
    private static final FloatVector P5 = constant(5.0000001201e-1f);

    private VectorExp() {
    }

    private static FloatVector constant(float c) {
        return S == null ? null : FloatVector.broadcast(S, c);
    }

    static FloatVector exp(FloatVector x) {
        x = x.blend(-110f, x.compare(VectorOperators.LT, -110f)).blend(100f, x.compare(VectorOperators.GT, 100f));
        FloatVector shifted = x.fma(LOG2_E, ROUND_V);
        FloatVector n = shifted.sub(ROUND_V);
        FloatVector r = n.fma(MINUS_LN2_HIGH, x);
        r = n.fma(MINUS_LN2_LOW, r);
        FloatVector p = r.fma(P0, P1).fma(r, P2).fma(r, P3).fma(r, P4).fma(r, P5).fma(r.mul(r), r).add(1f);
        // 2^n = 2^half * 2^(n - half), each factor a normal float for n in [-159, 145]
        IntVector ni = ((IntVector) shifted.reinterpretShape(I, 0)).sub(ROUND_BITS);
        IntVector half = ni.lanewise(VectorOperators.ASHR, 1);
        return p.mul(powerOfTwo(half)).mul(powerOfTwo(ni.sub(half)));
    }

    /** 2^e for e in [-126, 127], built from its exponent bits. */
    private static FloatVector powerOfTwo(IntVector e) {
        return (FloatVector) e.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretShape(S, 0);
    }
}
