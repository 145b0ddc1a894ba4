package org.jdna.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * e^x * 2^64, lane-wise, for x &lt;= 0: the exponentials of a softmax, whose sum divides them
 * (the 2^64 cancels exactly: scaling by a power of two commutes with rounding).
 *
 * <p>Built from exactly rounded operations only (fma, multiply, add, compare, blend, integer add
 * and shift), so it gives the same bits whether C2 has compiled the caller or not, on every thread
 * and every x86 CPU. {@code lanewise(VectorOperators.EXP)} does not: compiled it calls Intel's
 * SVML, interpreted it falls back to StrictMath per lane, and the two can differ in the last bit,
 * which would break top-k's ties and its bit-identical results across thread counts when a method
 * is compiled or deoptimised in the middle of a call.
 *
 * <p>Method (Cephes' expf): n = round(x log2(e)) by the 1.5 * 2^23 trick, r = x - n ln(2) in two
 * parts (Cody-Waite), e^r = 1 + r + r^2 P(r) with P of degree 5 on |r| &lt;= ln(2)/2, times
 * 2^(n + 64) built from exponent bits. The 2^64 keeps that factor a normal float down to x = -110,
 * so no result is rounded to a subnormal here: a tiny probability is rounded once, when the
 * softmax divides. x is clamped below at -110 (where e^x / sum rounds to 0 anyway); NaN stays NaN.
 * Measured error of e^x against (float) Math.exp: at most 1 ulp over [-87, 0].
 */
final class VectorExp {
    /** The factor of every result: 2^64. */
    static final float SCALE = 0x1p64f;
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final VectorSpecies<Integer> I = S == null ? null : S.withLanes(int.class);
    /** 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer in the low mantissa bits. */
    private static final float ROUND = 12582912f;
    /** bits(ROUND + n) + this = n + 127 + 64: the biased exponent of 2^(n + 64). */
    private static final int EXPONENT_BIAS = 127 + 64 - Float.floatToRawIntBits(ROUND);
    private static final float LOWEST = -110f;
    // Constants as vectors held in static finals: C2 loads each once, where a broadcast per call
    // would inline a dozen methods per constant into the caller.
    private static final FloatVector LOWEST_V = constant(LOWEST);
    private static final FloatVector ROUND_V = constant(ROUND);
    private static final FloatVector LOG2_E = constant(1.44269504088896341f);
    /** -ln(2) = -(LN2_HIGH + LN2_LOW); LN2_HIGH has few mantissa bits, so n * LN2_HIGH is exact. */
    private static final FloatVector MINUS_LN2_HIGH = constant(-0.693359375f);
    private static final FloatVector MINUS_LN2_LOW = constant(2.12194440e-4f);
    /** P(r) = P5 + P4 r + P3 r^2 + P2 r^3 + P1 r^4 + P0 r^5. */
    private static final FloatVector P0 = constant(1.9875691500e-4f);
    private static final FloatVector P1 = constant(1.3981999507e-3f);
    private static final FloatVector P2 = constant(8.3334519073e-3f);
    private static final FloatVector P3 = constant(4.1665795894e-2f);
    private static final FloatVector P4 = constant(1.6666665459e-1f);
    private static final FloatVector P5 = constant(5.0000001201e-1f);
    private static final FloatVector ONE = constant(1f);

    private VectorExp() {
    }

    private static FloatVector constant(float c) {
        return S == null ? null : FloatVector.broadcast(S, c);
    }

    /** e^x * {@link #SCALE} for x &lt;= 0 (x above 0 is outside the contract). */
    static FloatVector expScaled(FloatVector x) {
        x = x.blend(LOWEST_V, x.compare(VectorOperators.LT, LOWEST_V));
        FloatVector shifted = x.fma(LOG2_E, ROUND_V);
        FloatVector n = shifted.sub(ROUND_V);
        FloatVector r = n.fma(MINUS_LN2_HIGH, x);
        r = n.fma(MINUS_LN2_LOW, r);
        // P(r) by Estrin's scheme (shorter dependency chain than Horner's)
        FloatVector r2 = r.mul(r);
        FloatVector high = r.fma(P0, P1);
        FloatVector middle = r.fma(P2, P3);
        FloatVector low = r.fma(P4, P5);
        FloatVector poly = r2.mul(r2).fma(high, r2.fma(middle, low));
        FloatVector p = poly.fma(r2, r).add(ONE);
        IntVector exponent = ((IntVector) shifted.reinterpretShape(I, 0)).add(EXPONENT_BIAS)
                .lanewise(VectorOperators.LSHL, 23);
        return p.mul((FloatVector) exponent.reinterpretShape(S, 0));
    }
}
