package org.jdna.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, tanh and the sum of a vector's lanes, made of exactly rounded operations only (add, mul,
 * fma, div, compares, bit moves), so that their bits are the same whether C2 has compiled the
 * calling kernel or not.
 *
 * <p>Why: the Vector API leaves two things to the implementation. {@code reduceLanes(ADD)} sums the
 * lanes in order when interpreted and as a tree when compiled; {@code lanewise(EXP)} and
 * {@code lanewise(TANH)} call StrictMath per lane when interpreted and Intel's SVML when compiled.
 * Both differ in the last bit, so the same training step gave different bits before and after its
 * kernels were compiled (how often: benchmarks/results/design-measurements.md), and "same seed,
 * same bits" held only between runs whose JIT happened to agree.
 *
 * <p>Methods take and return vectors; they are small, so C2 inlines them into their (hot) callers
 * and no vector is boxed (a large helper taking vectors was boxed once, see GemmMicroKernel).
 */
final class VectorMath {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final VectorSpecies<Integer> I = S == null ? null : S.withLanes(int.class);
    private static final int L = SimdConfig.LANES;

    // exp: Cephes' expf. n = round(x log2(e)) by the 1.5 * 2^23 trick, r = x - n ln(2) in two parts
    // (Cody-Waite), e^r = 1 + r + r^2 P(r) with P of degree 5 (Estrin), times 2^n as two powers of two.
    // (SimdTopK's softmax uses the same constants, with its own scaling by 2^64.)
    /** 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer in the low mantissa bits. */
    static final float ROUND = 12582912f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    /**
     * x is clamped to [EXP_LOW, EXP_HIGH] (NaN kept apart): below, e^x is under half the smallest
     * subnormal; above, it overflows to infinity. n is then in [-150, 128] and each half of 2^n a
     * normal float.
     */
    private static final FloatVector EXP_LOW = constant(-104f);
    private static final FloatVector EXP_HIGH = constant(88.8f);
    // the scalars are for kernels that broadcast them into locals once per call (see SimdTopK)
    static final float LOG2_E_F = 1.44269504088896341f;
    /** -ln(2) = -(LN2_HIGH + LN2_LOW); LN2_HIGH has few mantissa bits, so n * LN2_HIGH is exact. */
    static final float MINUS_LN2_HIGH_F = -0.693359375f;
    static final float MINUS_LN2_LOW_F = 2.12194440e-4f;
    static final float P0_F = 1.9875691500e-4f;
    static final float P1_F = 1.3981999507e-3f;
    static final float P2_F = 8.3334519073e-3f;
    static final float P3_F = 4.1665795894e-2f;
    static final float P4_F = 1.6666665459e-1f;
    static final float P5_F = 5.0000001201e-1f;
    private static final FloatVector ROUND_V = constant(ROUND);
    private static final FloatVector LOG2_E = constant(LOG2_E_F);
    private static final FloatVector MINUS_LN2_HIGH = constant(MINUS_LN2_HIGH_F);
    private static final FloatVector MINUS_LN2_LOW = constant(MINUS_LN2_LOW_F);
    private static final FloatVector P0 = constant(P0_F);
    private static final FloatVector P1 = constant(P1_F);
    private static final FloatVector P2 = constant(P2_F);
    private static final FloatVector P3 = constant(P3_F);
    private static final FloatVector P4 = constant(P4_F);
    private static final FloatVector P5 = constant(P5_F);
    private static final FloatVector ONE = constant(1f);
    private static final FloatVector TWO = constant(2f);

    // tanh: Cephes' tanhf. |x| < 0.625: x + x^3 Q(x^2); else 1 - 2 / (e^(2|x|) + 1), with x's sign.
    private static final FloatVector TANH_SMALL = constant(0.625f);
    private static final FloatVector Q0 = constant(-5.70498872745e-3f);
    private static final FloatVector Q1 = constant(2.06390887954e-2f);
    private static final FloatVector Q2 = constant(-5.37397155531e-2f);
    private static final FloatVector Q3 = constant(1.33314422036e-1f);
    private static final FloatVector Q4 = constant(-3.33332819422e-1f);

    /** Lane i <- lane (i + h) mod L, for h = 8, 4, 2, 1: the steps of the lane-sum tree. */
    private static final VectorShuffle<Float> ROTATE_8 = rotate(8);
    private static final VectorShuffle<Float> ROTATE_4 = rotate(4);
    private static final VectorShuffle<Float> ROTATE_2 = rotate(2);
    private static final VectorShuffle<Float> ROTATE_1 = rotate(1);

    private VectorMath() {
    }

    private static FloatVector constant(float c) {
        return S == null ? null : FloatVector.broadcast(S, c);
    }

    private static VectorShuffle<Float> rotate(int h) {
        return S == null || h >= L ? null : VectorShuffle.iota(S, h, 1, true);
    }

    /**
     * e^x per lane, within 2 ulp of Math.exp for normal results (0 below -104 where Math.exp gives
     * a subnormal or 0, +infinity above 88.72, NaN for NaN).
     */
    static FloatVector exp(FloatVector x) {
        FloatVector c = x.max(EXP_LOW).min(EXP_HIGH);
        FloatVector shifted = c.fma(LOG2_E, ROUND_V);
        FloatVector n = shifted.sub(ROUND_V);
        FloatVector r = n.fma(MINUS_LN2_HIGH, c);
        r = n.fma(MINUS_LN2_LOW, r);
        FloatVector r2 = r.mul(r);
        FloatVector poly = r2.mul(r2).fma(r.fma(P0, P1), r2.fma(r.fma(P2, P3), r.fma(P4, P5)));
        FloatVector er = poly.fma(r2, r).add(ONE);
        // 2^n = 2^h * 2^(n - h), h = n >> 1: both halves are normal for n in [-150, 128]
        IntVector ni = ((IntVector) shifted.reinterpretShape(I, 0)).sub(ROUND_BITS);
        IntVector h = ni.lanewise(VectorOperators.ASHR, 1);
        FloatVector p1 = (FloatVector) h.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretShape(S, 0);
        FloatVector p2 = (FloatVector) ni.sub(h).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretShape(S, 0);
        FloatVector e = er.mul(p1).mul(p2);
        return e.blend(x, x.compare(VectorOperators.NE, x)); // NaN stays NaN
    }

    /** tanh(x) per lane, within a few ulp of Math.tanh. */
    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector z = x.mul(x);
        FloatVector q = z.fma(Q0, Q1).fma(z, Q2).fma(z, Q3).fma(z, Q4);
        FloatVector small = q.mul(z).fma(x, x);
        FloatVector large = ONE.sub(TWO.div(exp(a.add(a)).add(ONE)));
        large = large.blend(large.neg(), x.compare(VectorOperators.LT, 0f));
        return large.blend(small, a.compare(VectorOperators.LT, TANH_SMALL));
    }

    /** The sum of v's lanes as a fixed tree (lane i + lane i + L/2, then halves again, ...). */
    static float sumLanes(FloatVector v) {
        if (L >= 16) {
            v = v.add(v.rearrange(ROTATE_8));
        }
        if (L >= 8) {
            v = v.add(v.rearrange(ROTATE_4));
        }
        if (L >= 4) {
            v = v.add(v.rearrange(ROTATE_2));
        }
        if (L >= 2) {
            v = v.add(v.rearrange(ROTATE_1));
        }
        return v.lane(0);
    }
}
