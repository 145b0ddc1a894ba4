package org.jdna.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The building blocks every kernel is made of, each in the same shape (llama3.java): a vector main
 * loop (FMA into several accumulators where it sums), one lane sum ({@link VectorMath#sumLanes}: a fixed
 * order, where {@code reduceLanes(ADD)} changes its order once compiled), a scalar tail. With
 * the scalar fallback (species null) the tail covers the whole range.
 *
 * <p>Legend: n element count; a, b, x, y arrays with their offsets (…Off).
 */
final class VectorOps {
    static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    static final int L = SimdConfig.LANES;

    private VectorOps() {
    }

    /** Elements [0, upper) are covered by whole vectors; the rest is the scalar tail. */
    static int upper(int n) {
        return S == null ? 0 : S.loopBound(n);
    }

    /** sum_i a[aOff + i] * b[bOff + i], four accumulators. */
    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int i = 0;
        float sum = 0f;
        if (S != null) {
            FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
            FloatVector acc2 = FloatVector.zero(S), acc3 = FloatVector.zero(S);
            int bound4 = n - 4 * L + 1;
            for (; i < bound4; i += 4 * L) {
                acc0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc0);
                acc1 = FloatVector.fromArray(S, a, aOff + i + L).fma(FloatVector.fromArray(S, b, bOff + i + L), acc1);
                acc2 = FloatVector.fromArray(S, a, aOff + i + 2 * L).fma(FloatVector.fromArray(S, b, bOff + i + 2 * L), acc2);
                acc3 = FloatVector.fromArray(S, a, aOff + i + 3 * L).fma(FloatVector.fromArray(S, b, bOff + i + 3 * L), acc3);
            }
            for (int up = upper(n); i < up; i += L) {
                acc0 = FloatVector.fromArray(S, a, aOff + i).fma(FloatVector.fromArray(S, b, bOff + i), acc0);
            }
            sum = VectorMath.sumLanes(acc0.add(acc1).add(acc2.add(acc3)));
        }
        for (; i < n; i++) {
            sum = Math.fma(a[aOff + i], b[bOff + i], sum);
        }
        return sum;
    }

    /** sum_i x[off + i], four accumulators. */
    static float sum(float[] x, int off, int n) {
        int i = 0;
        float sum = 0f;
        if (S != null) {
            FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
            FloatVector acc2 = FloatVector.zero(S), acc3 = FloatVector.zero(S);
            int bound4 = n - 4 * L + 1;
            for (; i < bound4; i += 4 * L) {
                acc0 = acc0.add(FloatVector.fromArray(S, x, off + i));
                acc1 = acc1.add(FloatVector.fromArray(S, x, off + i + L));
                acc2 = acc2.add(FloatVector.fromArray(S, x, off + i + 2 * L));
                acc3 = acc3.add(FloatVector.fromArray(S, x, off + i + 3 * L));
            }
            for (int up = upper(n); i < up; i += L) {
                acc0 = acc0.add(FloatVector.fromArray(S, x, off + i));
            }
            sum = VectorMath.sumLanes(acc0.add(acc1).add(acc2.add(acc3)));
        }
        for (; i < n; i++) {
            sum += x[off + i];
        }
        return sum;
    }

    /** max_i x[off + i]; -infinity for n == 0; NaN if any element is NaN. */
    static float max(float[] x, int off, int n) {
        int i = 0;
        float max = Float.NEGATIVE_INFINITY;
        if (S != null && n >= L) {
            FloatVector acc0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            FloatVector acc1 = acc0;
            int bound2 = n - 2 * L + 1;
            for (; i < bound2; i += 2 * L) {
                acc0 = acc0.max(FloatVector.fromArray(S, x, off + i));
                acc1 = acc1.max(FloatVector.fromArray(S, x, off + i + L));
            }
            for (int up = upper(n); i < up; i += L) {
                acc0 = acc0.max(FloatVector.fromArray(S, x, off + i));
            }
            max = acc0.max(acc1).reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        return max;
    }

    /** sum_i (x[off + i] - shift)^2, four accumulators (a variance around a known mean). */
    static float sumSquaredDeviations(float[] x, int off, int n, float shift) {
        int i = 0;
        float sum = 0f;
        if (S != null) {
            FloatVector m = FloatVector.broadcast(S, shift);
            FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
            int bound2 = n - 2 * L + 1;
            for (; i < bound2; i += 2 * L) {
                FloatVector d0 = FloatVector.fromArray(S, x, off + i).sub(m);
                FloatVector d1 = FloatVector.fromArray(S, x, off + i + L).sub(m);
                acc0 = d0.fma(d0, acc0);
                acc1 = d1.fma(d1, acc1);
            }
            for (int up = upper(n); i < up; i += L) {
                FloatVector d0 = FloatVector.fromArray(S, x, off + i).sub(m);
                acc0 = d0.fma(d0, acc0);
            }
            sum = VectorMath.sumLanes(acc0.add(acc1));
        }
        for (; i < n; i++) {
            float d = x[off + i] - shift;
            sum = Math.fma(d, d, sum);
        }
        return sum;
    }

    /** out[i] = exp(x[i] - shift); returns sum_i out[i]. out may be x. */
    static float expShifted(float[] out, int outOff, float[] x, int xOff, int n, float shift) {
        int i = 0;
        if (S != null) {
            FloatVector m = FloatVector.broadcast(S, shift);
            for (int up = upper(n); i < up; i += L) {
                VectorMath.exp(FloatVector.fromArray(S, x, xOff + i).sub(m)).intoArray(out, outOff + i);
            }
        }
        // The sum in a second pass over what was just stored (still in L1). Summed in the same loop, the lane
        // sum came after two inlined exp expansions, C2 ran out of inlining budget (NodeCountInliningCutoff),
        // and the accumulator handed to VectorMath.sumLanes was boxed on every call: about 60 MB per training
        // step from attention's backward alone. pairedSum adds in the order that loop did, so the result is
        // the same to the bit.
        float sum = pairedSum(out, outOff, i);
        for (; i < n; i++) {
            float e = (float) Math.exp(x[xOff + i] - shift);
            out[outOff + i] = e;
            sum += e;
        }
        return sum;
    }

    /**
     * sum_i a[off + i] over n elements, n a multiple of L (0 without a species): vectors 0, 2, 4, ... into one
     * accumulator and 1, 3, 5, ... into another, a last odd vector into the first, then the lane sum of the two.
     */
    static float pairedSum(float[] a, int off, int n) {
        if (S == null) {
            return 0f;
        }
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            acc0 = acc0.add(FloatVector.fromArray(S, a, off + i));
            acc1 = acc1.add(FloatVector.fromArray(S, a, off + i + L));
        }
        if (i < n) {
            acc0 = acc0.add(FloatVector.fromArray(S, a, off + i));
        }
        return VectorMath.sumLanes(acc0.add(acc1));
    }

    /** sum_i exp(x[i] - shift), nothing stored. */
    static float sumExpShifted(float[] x, int xOff, int n, float shift) {
        int i = 0;
        float sum = 0f;
        if (S != null) {
            FloatVector m = FloatVector.broadcast(S, shift);
            // Two accumulators, vectors 0, 2, 4, ... into one and 1, 3, 5, ... into the other, as pairedSum adds:
            // the accumulators trade places after every vector, so the loop holds one exp expansion instead of
            // three (an unrolled pair and a tail), small enough for C2 to compile whole; with three, steady-state
            // steps were seen running the Vector API's Java fallback here (a float[] per vector operation, about
            // 10 MB per DNA training step). Their final sum does not depend on which holds which.
            FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
            for (int up = upper(n); i < up; i += L) {
                FloatVector next = acc0.add(VectorMath.exp(FloatVector.fromArray(S, x, xOff + i).sub(m)));
                acc0 = acc1;
                acc1 = next;
            }
            sum = VectorMath.sumLanes(acc0.add(acc1));
        }
        for (; i < n; i++) {
            sum += (float) Math.exp(x[xOff + i] - shift);
        }
        return sum;
    }

    /** y[i] = x[i] * alpha + beta. y may be x. */
    static void scaleShift(float[] y, int yOff, float[] x, int xOff, int n, float alpha, float beta) {
        int i = 0;
        if (S != null) {
            FloatVector a = FloatVector.broadcast(S, alpha);
            FloatVector b = FloatVector.broadcast(S, beta);
            for (int up = upper(n); i < up; i += L) {
                FloatVector.fromArray(S, x, xOff + i).fma(a, b).intoArray(y, yOff + i);
            }
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.fma(x[xOff + i], alpha, beta);
        }
    }

    /** y[i] += alpha * x[i] (one rounding per element: fused multiply-add). */
    static void axpy(float[] y, int yOff, float[] x, int xOff, int n, float alpha) {
        int i = 0;
        if (S != null) {
            FloatVector a = FloatVector.broadcast(S, alpha);
            for (int up = upper(n); i < up; i += L) {
                FloatVector.fromArray(S, x, xOff + i).fma(a, FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
            }
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
        }
    }

    /** y[i] += x[i]. */
    static void add(float[] y, int yOff, float[] x, int xOff, int n) {
        int i = 0;
        if (S != null) {
            for (int up = upper(n); i < up; i += L) {
                FloatVector.fromArray(S, x, xOff + i).add(FloatVector.fromArray(S, y, yOff + i)).intoArray(y, yOff + i);
            }
        }
        for (; i < n; i++) {
            y[yOff + i] += x[xOff + i];
        }
    }
}
