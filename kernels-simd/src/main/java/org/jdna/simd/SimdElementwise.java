package org.jdna.simd;

import static org.jdna.engine.backend.HeapStorage.array;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.jdna.engine.backend.BinaryOp;
import org.jdna.engine.backend.ElementwiseKernels;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.backend.UnaryOp;
import org.jdna.engine.backend.reference.ReferenceElementwise;

/**
 * Elementwise primitives (unary and its derivative, broadcasting binary, where, addScaled) and the
 * strided copy, split over the pool in contiguous ranges when large. Each output element depends
 * on its own inputs only, so the split never changes a result.
 *
 * <p>Broadcasting binary ops walk the output row by row (the last axis, merged with the axes before
 * it that both operands walk as one); a row whose operands are contiguous or broadcast along it
 * (stride 1 or 0) runs a vector loop.
 */
final class SimdElementwise implements ElementwiseKernels {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = SimdConfig.LANES;
    /** Elements per parallel chunk: below 2x this an op runs on the calling thread. */
    private static final int GRAIN = 1 << 13;

    private final Parallel parallel;

    SimdElementwise(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void unary(UnaryOp op, Storage outS, Storage xS, int n, float alpha) {
        float[] out = array(outS), x = array(xS);
        parallel.forRange(n, GRAIN, (from, to) -> SimdUnary.forward(op, out, x, from, to, alpha));
    }

    @Override
    public void unaryBackward(UnaryOp op, Storage dxS, Storage doutS, Storage xS, int n, float alpha) {
        float[] dx = array(dxS), dout = array(doutS), x = array(xS);
        parallel.forRange(n, GRAIN, (from, to) -> SimdUnary.backward(op, dx, dout, x, from, to, alpha));
    }

    /** out[i] = mask[i] != 0 ? a[i] : b[i]. */
    @Override
    public void where(Storage outS, Storage maskS, Storage aS, Storage bS, int n) {
        float[] out = array(outS), mask = array(maskS), a = array(aS), b = array(bS);
        parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            if (S != null) {
                for (int up = from + S.loopBound(to - from); i < up; i += L) {
                    FloatVector bv = FloatVector.fromArray(S, b, i);
                    bv.blend(FloatVector.fromArray(S, a, i), FloatVector.fromArray(S, mask, i).compare(VectorOperators.NE, 0f))
                            .intoArray(out, i);
                }
            }
            for (; i < to; i++) {
                out[i] = mask[i] != 0f ? a[i] : b[i];
            }
        });
    }

    /** y[yOff + i] += alpha * x[xOff + i], one fused multiply-add per element. */
    @Override
    public void addScaled(Storage yS, int yOff, Storage xS, int xOff, int n, float alpha) {
        float[] y = array(yS), x = array(xS);
        parallel.forRange(n, GRAIN, (from, to) -> VectorOps.axpy(y, yOff + from, x, xOff + from, to - from, alpha));
    }

    // ---------------------------------------------------------------- broadcasting binary

    /** out (contiguous, shape) = op(a, b), a and b read through their strides (0 = broadcast). */
    @Override
    public void binary(BinaryOp op, Storage outS, int[] shape, Storage aS, int[] aStrides, Storage bS,
                       int[] bStrides) {
        float[] out = array(outS), a = array(aS), b = array(bS);
        int rank = shape.length;
        if (rank == 0) {
            out[0] = (float) ReferenceElementwise.apply(op, a[0], b[0]);
            return;
        }
        int total = 1;
        for (int d : shape) {
            total *= d;
        }
        if (total == 0) {
            return;
        }
        int aStep = aStrides[rank - 1];
        int bStep = bStrides[rank - 1];
        // Rows are the trailing axes both operands walk as one (axis d-1's stride is axis d's times
        // its extent): a contiguous (R, 2) op is one row of 2R, not R rows of 2 that the vectors
        // never reach (such rows ran element by element: 3% of a DNA step). Rows stay at most GRAIN
        // long, so that a large op still splits over the threads.
        int first = rank - 1;
        int last = shape[rank - 1];
        while (first > 0 && (long) last * shape[first - 1] <= GRAIN
                && aStrides[first - 1] == aStep * last && bStrides[first - 1] == bStep * last) {
            last *= shape[first - 1];
            first--;
        }
        int rowAxes = first;
        int rowLength = last;
        int rows = total / last;
        int grainRows = Math.max(1, GRAIN / Math.max(1, last));
        // vector rows: each operand contiguous (step 1) or broadcast (step 0) along the last axis
        boolean vector = S != null && (aStep == 0 || aStep == 1) && (bStep == 0 || bStep == 1) && (aStep | bStep) != 0;
        parallel.forRange(rows, grainRows, (from, to) -> {
            // a broadcast operand's value spread over one row, so that every vector row reads two
            // arrays: a loop that picks a broadcast vector or a loaded one per iteration merges
            // vector objects through a phi, and C2 then boxes every vector (an allocation per lane group)
            float[] spread = null;
            for (int r = from; r < to; r++) {
                int aBase = 0;
                int bBase = 0;
                int rest = r;
                for (int d = rowAxes - 1; d >= 0; d--) {
                    int idx = rest % shape[d];
                    rest /= shape[d];
                    aBase += idx * aStrides[d];
                    bBase += idx * bStrides[d];
                }
                int outOff = r * rowLength;
                if (!vector) {
                    scalarRow(op, out, outOff, a, aBase, aStep, b, bBase, bStep, 0, rowLength);
                } else if (aStep == 1 && bStep == 1) {
                    vectorRow(op, out, outOff, a, aBase, b, bBase, rowLength);
                } else if (aStep == 0) {
                    spread = spread(spread, rowLength, a[aBase]);
                    vectorRow(op, out, outOff, spread, 0, b, bBase, rowLength);
                } else {
                    spread = spread(spread, rowLength, b[bBase]);
                    vectorRow(op, out, outOff, a, aBase, spread, 0, rowLength);
                }
            }
        });
    }

    /** A row of n copies of value, in row when it is long enough. */
    private static float[] spread(float[] row, int n, float value) {
        float[] r = row == null || row.length < n ? new float[n] : row;
        java.util.Arrays.fill(r, 0, n, value);
        return r;
    }

    /**
     * out[outOff + i] = op(a[aOff + i], b[bOff + i]) for i < n: one small method per op, each loop
     * holding one constant operator (C2 intrinsifies a vector op only when it is a constant). In one
     * method with every loop behind a switch, a DNA step's profile showed SUB on the Vector API's
     * Java code (FloatVector.lanewiseTemplate), as SimdUnary's activations once were.
     */
    private static void vectorRow(BinaryOp op, float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int n) {
        int up = S.loopBound(n);
        switch (op) {
            case ADD -> addRow(out, outOff, a, aOff, b, bOff, up);
            case SUB -> subRow(out, outOff, a, aOff, b, bOff, up);
            case MUL -> mulRow(out, outOff, a, aOff, b, bOff, up);
            case DIV -> divRow(out, outOff, a, aOff, b, bOff, up);
            case MAXIMUM -> maxRow(out, outOff, a, aOff, b, bOff, up);
            case MINIMUM -> minRow(out, outOff, a, aOff, b, bOff, up);
            case EQ -> eqRow(out, outOff, a, aOff, b, bOff, up);
            case GT -> gtRow(out, outOff, a, aOff, b, bOff, up);
            case LT -> ltRow(out, outOff, a, aOff, b, bOff, up);
        }
        scalarRow(op, out, outOff, a, aOff, 1, b, bOff, 1, up, n);
    }

    private static void addRow(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int up) {
        for (int i = 0; i < up; i += L) {
            FloatVector.fromArray(S, a, aOff + i).add(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i);
        }
    }

    private static void subRow(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int up) {
        for (int i = 0; i < up; i += L) {
            FloatVector.fromArray(S, a, aOff + i).sub(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i);
        }
    }

    private static void mulRow(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int up) {
        for (int i = 0; i < up; i += L) {
            FloatVector.fromArray(S, a, aOff + i).mul(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i);
        }
    }

    private static void divRow(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int up) {
        for (int i = 0; i < up; i += L) {
            FloatVector.fromArray(S, a, aOff + i).div(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i);
        }
    }

    private static void maxRow(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int up) {
        for (int i = 0; i < up; i += L) {
            FloatVector.fromArray(S, a, aOff + i).max(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i);
        }
    }

    private static void minRow(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int up) {
        for (int i = 0; i < up; i += L) {
            FloatVector.fromArray(S, a, aOff + i).min(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, outOff + i);
        }
    }

    /** 1 where a[i] EQ b[i], else 0. */
    private static void eqRow(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int up) {
        for (int i = 0; i < up; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, aOff + i);
            FloatVector y = FloatVector.fromArray(S, b, bOff + i);
            FloatVector.zero(S).blend(1f, x.compare(VectorOperators.EQ, y)).intoArray(out, outOff + i);
        }
    }

    /** 1 where a[i] GT b[i], else 0. */
    private static void gtRow(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int up) {
        for (int i = 0; i < up; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, aOff + i);
            FloatVector y = FloatVector.fromArray(S, b, bOff + i);
            FloatVector.zero(S).blend(1f, x.compare(VectorOperators.GT, y)).intoArray(out, outOff + i);
        }
    }

    /** 1 where a[i] LT b[i], else 0. */
    private static void ltRow(float[] out, int outOff, float[] a, int aOff, float[] b, int bOff, int up) {
        for (int i = 0; i < up; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, aOff + i);
            FloatVector y = FloatVector.fromArray(S, b, bOff + i);
            FloatVector.zero(S).blend(1f, x.compare(VectorOperators.LT, y)).intoArray(out, outOff + i);
        }
    }

    /** out[outOff + i] = op(a[aOff + i*aStep], b[bOff + i*bStep]) for i in [from, n), the reference's scalar rule. */
    private static void scalarRow(BinaryOp op, float[] out, int outOff, float[] a, int aOff, int aStep,
                                  float[] b, int bOff, int bStep, int from, int n) {
        for (int i = from; i < n; i++) {
            out[outOff + i] = (float) ReferenceElementwise.apply(op, a[aOff + i * aStep], b[bOff + i * bStep]);
        }
    }

    // ---------------------------------------------------------------- strided copy

    /**
     * dst[flat(i)] = src[srcOff + sum_j i_j * srcStrides[j]], walked row by row over the last axis:
     * a row with stride 1 is one arraycopy, stride 0 a fill. When dst is src the rows read a copy
     * of it (the SPI's memmove rule; rows on other threads would read what others wrote).
     */
    @Override
    public void copyStrided(Storage dstS, Storage sourceS, int srcOff, int[] shape, int[] srcStrides) {
        float[] dst = array(dstS), source = array(sourceS);
        float[] src = source == dst ? source.clone() : source;
        int rank = shape.length;
        if (rank == 0) {
            dst[0] = src[srcOff];
            return;
        }
        int last = shape[rank - 1];
        int total = 1;
        for (int d : shape) {
            total *= d;
        }
        if (total == 0) {
            return;
        }
        int rows = total / last;
        int step = srcStrides[rank - 1];
        parallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, last)), (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = srcOff;
                int rest = r;
                for (int d = rank - 2; d >= 0; d--) {
                    base += (rest % shape[d]) * srcStrides[d];
                    rest /= shape[d];
                }
                int at = r * last;
                if (step == 1) {
                    System.arraycopy(src, base, dst, at, last);
                } else if (step == 0) {
                    java.util.Arrays.fill(dst, at, at + last, src[base]);
                } else {
                    for (int i = 0; i < last; i++) {
                        dst[at + i] = src[base + i * step];
                    }
                }
            }
        });
    }
}
