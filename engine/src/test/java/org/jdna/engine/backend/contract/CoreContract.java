package org.jdna.engine.backend.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.jdna.engine.backend.BinaryOp;
import org.jdna.engine.backend.ReduceOp;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.backend.UnaryOp;
import org.jdna.engine.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * Contract of the memory, layout, elementwise, reduction, GEMM and AdamW primitives.
 *
 * <p>Legend: n element count, (outer, len, inner) reduction view, (m, k) x (k, n) GEMM sizes.
 */
public abstract class CoreContract extends ContractSupport {

    // ---------------------------------------------------------------- memory

    @Test
    void allocateIsZeroFilled() {
        for (int n : new int[]{0, 1, 7, 257}) {
            check("allocate n=" + n, Tolerance.EXACT, d -> d.results(d.zeros(n)));
        }
    }

    @Test
    void copyInCopyOutWithOffsets() {
        float[] host = normal(rng("copyInOut"), 40, 1);
        Storage s = backend().allocate(50);
        try {
            backend().copyIn(s, 5, host, 3, 33);
            float[] back = new float[60];
            backend().copyOut(s, 2, back, 1, 45);
            float[] expected = new float[60];
            System.arraycopy(host, 3, expected, 1 + 3, 33); // s[5 + i] = host[3 + i]; back[1 + j] = s[2 + j]
            assertArrayEquals(expected, back, "copyIn/copyOut with offsets on " + backend().name());
        } finally {
            s.close();
        }
    }

    @Test
    void copyAndFillWithOffsets() {
        Rng rng = rng("copyFill");
        float[] src = normal(rng, 64, 1);
        float[] dst = normal(rng, 64, 1);
        check("copy", Tolerance.EXACT, d -> {
            Storage t = d.upload(dst);
            d.backend().copy(t, 3, d.upload(src), 5, 33);
            return d.results(t);
        });
        check("fill", Tolerance.EXACT, d -> {
            Storage t = d.upload(dst);
            d.backend().fill(t, 7, 40, -2.5f);
            return d.results(t);
        });
    }

    // ---------------------------------------------------------------- layout

    /**
     * Copies long enough for a backend to split them (the SIMD one over its threads, from 2^19
     * floats), with odd offsets, and overlapping ranges of one storage both ways (memmove).
     */
    @Test
    void largeAndOverlappingCopies() {
        int n = (1 << 20) + 37;
        float[] src = normal(rng("copyLarge"), n, 1);
        check("copy large", Tolerance.EXACT, d -> {
            Storage t = d.zeros(n + 11);
            d.backend().copy(t, 11, d.upload(src), 5, n - 5);
            return d.results(t);
        });
        for (int shift : new int[]{-3, 3, -(1 << 19) - 1, (1 << 19) + 1}) {
            check("copy overlapping by " + shift, Tolerance.EXACT, d -> {
                Storage t = d.upload(src);
                int len = n - Math.abs(shift) - 8;
                int from = 4 + Math.max(0, -shift);
                d.backend().copy(t, from + shift, t, from, len);
                return d.results(t);
            });
        }
    }

    @Test
    void copyOutsideAStorageWritesNothing() {
        float[] src = normal(rng("copyBounds"), 1 << 20, 1);
        try (Device d = new Device(backend())) {
            Storage s = d.upload(src);
            Storage t = d.zeros(1 << 20);
            assertThrows(IndexOutOfBoundsException.class, () -> backend().copy(t, 1, s, 0, 1 << 20));
            assertThrows(IndexOutOfBoundsException.class, () -> backend().copy(t, 0, s, -1, 1 << 19));
            assertArrayEquals(new float[1 << 20], d.download(t), "a refused copy wrote into dst on " + backend().name());
        }
    }

    @Test
    void copyStridedPermuteBroadcastSliceAndScalar() {
        float[] x = normal(rng("copyStrided"), 3 * 7 * 33 + 11, 1);
        // permute (3, 7, 33) -> (33, 3, 7)
        check("copyStrided permute", Tolerance.EXACT, d -> {
            Storage out = d.garbage(33 * 3 * 7);
            d.backend().elementwise().copyStrided(out, d.upload(x), 0, new int[]{33, 3, 7}, new int[]{1, 231, 33});
            return d.results(out);
        });
        // broadcast a (7) row to (5, 7) and a (5, 1) column to (5, 9) from offset 4
        check("copyStrided broadcast", Tolerance.EXACT, d -> {
            Storage row = d.garbage(35);
            Storage col = d.garbage(45);
            Storage xs = d.upload(x);
            d.backend().elementwise().copyStrided(row, xs, 0, new int[]{5, 7}, new int[]{0, 1});
            d.backend().elementwise().copyStrided(col, xs, 4, new int[]{5, 9}, new int[]{1, 0});
            return d.results(row, col);
        });
        // slice rows 1..3, columns 2..19 of (7, 33) starting at element 11; rank 0 and size 0
        check("copyStrided slice, scalar, empty", Tolerance.EXACT, d -> {
            Storage slice = d.garbage(2 * 17);
            Storage scalar = d.garbage(1);
            Storage empty = d.garbage(2);
            Storage xs = d.upload(x);
            d.backend().elementwise().copyStrided(slice, xs, 11 + 33 + 2, new int[]{2, 17}, new int[]{33, 1});
            d.backend().elementwise().copyStrided(scalar, xs, 9, new int[]{}, new int[]{});
            d.backend().elementwise().copyStrided(empty, xs, 0, new int[]{0, 3}, new int[]{3, 1});
            return d.results(slice, scalar, empty);
        });
    }

    // ---------------------------------------------------------------- elementwise

    /** Inputs inside the op's domain; 0 included where the derivative has a kink there. */
    private static float[] unaryInput(UnaryOp op, Rng rng, int n) {
        return switch (op) {
            case LOG, SQRT, POW_SCALAR, RECIPROCAL -> uniform(rng, n, 0.1, 4);
            default -> {
                float[] x = normal(rng, n, 2.5);
                x[0] = 0f;
                yield x;
            }
        };
    }

    private static float unaryAlpha(UnaryOp op) {
        return op == UnaryOp.POW_SCALAR ? 2.5f : 1.7f;
    }

    @Test
    void unaryEveryOp() {
        for (UnaryOp op : UnaryOp.values()) {
            for (int n : SIZES) {
                float[] x = unaryInput(op, rng("unary" + op + n), n);
                check("unary " + op + " n=" + n, Tolerance.ELEMENTWISE, d -> {
                    Storage out = d.garbage(n + 3);
                    d.backend().elementwise().unary(op, out, d.upload(x), n, unaryAlpha(op));
                    return d.results(out);
                });
            }
        }
    }

    @Test
    void unaryInPlace() {
        float[] x = normal(rng("unaryInPlace"), 33, 1);
        check("unary GELU in place", Tolerance.ELEMENTWISE, d -> {
            Storage xs = d.upload(x);
            d.backend().elementwise().unary(UnaryOp.GELU, xs, xs, 33, 0f);
            return d.results(xs);
        });
    }

    @Test
    void unaryBackwardEveryOp() {
        for (UnaryOp op : UnaryOp.values()) {
            for (int n : SIZES) {
                Rng rng = rng("unaryBackward" + op + n);
                float[] x = unaryInput(op, rng, n);
                float[] dout = normal(rng, n, 1);
                check("unaryBackward " + op + " n=" + n, Tolerance.ELEMENTWISE, d -> {
                    Storage dx = d.garbage(n + 3);
                    d.backend().elementwise().unaryBackward(op, dx, d.upload(dout), d.upload(x), n, unaryAlpha(op));
                    return d.results(dx);
                });
            }
        }
    }

    @Test
    void binaryEveryOpWithBroadcasting() {
        Rng rng = rng("binary");
        float[] a = normal(rng, 3 * 7 * 33, 1);
        float[] b = uniform(rng, 3 * 7 * 33, 0.5, 2); // away from 0 for DIV
        float[] ties = integers(rng, 3 * 7 * 33, 2);
        for (BinaryOp op : BinaryOp.values()) {
            // a full, b a (1, 7, 1) column broadcast over the outer and inner axes
            check("binary " + op + " b broadcast", Tolerance.ELEMENTWISE, d -> {
                Storage out = d.garbage(3 * 7 * 33);
                d.backend().elementwise().binary(op, out, new int[]{3, 7, 33}, d.upload(a), new int[]{231, 33, 1},
                        d.upload(b), new int[]{0, 1, 0});
                return d.results(out);
            });
            // a a (3, 7, 1) column broadcast along the last axis, b full (the other operand order)
            check("binary " + op + " a broadcast along the last axis", Tolerance.ELEMENTWISE, d -> {
                Storage out = d.garbage(3 * 7 * 33);
                d.backend().elementwise().binary(op, out, new int[]{3, 7, 33}, d.upload(a), new int[]{7, 1, 0},
                        d.upload(b), new int[]{231, 33, 1});
                return d.results(out);
            });
            // a a (33) row broadcast, b read transposed from a (33, 7, 3) layout
            check("binary " + op + " a broadcast, b transposed", Tolerance.ELEMENTWISE, d -> {
                Storage out = d.garbage(3 * 7 * 33);
                d.backend().elementwise().binary(op, out, new int[]{3, 7, 33}, d.upload(a), new int[]{0, 0, 1},
                        d.upload(b), new int[]{1, 3, 21});
                return d.results(out);
            });
            // short rows that a backend may merge with the axes before them: (3, 7, 2) with b a
            // (7, 2) block repeated, and (5, 4, 3) with b a (5, 1, 1) column
            check("binary " + op + " short rows, b repeated", Tolerance.ELEMENTWISE, d -> {
                Storage out = d.garbage(3 * 7 * 2);
                d.backend().elementwise().binary(op, out, new int[]{3, 7, 2}, d.upload(a), new int[]{14, 2, 1},
                        d.upload(b), new int[]{0, 2, 1});
                return d.results(out);
            });
            check("binary " + op + " short rows, b a column", Tolerance.ELEMENTWISE, d -> {
                Storage out = d.garbage(5 * 4 * 3);
                d.backend().elementwise().binary(op, out, new int[]{5, 4, 3}, d.upload(a), new int[]{12, 3, 1},
                        d.upload(b), new int[]{1, 0, 0});
                return d.results(out);
            });
            // ties, contiguous tails and a rank-0 scalar
            for (int n : SIZES) {
                check("binary " + op + " ties n=" + n, Tolerance.ELEMENTWISE, d -> {
                    Storage out = d.garbage(n);
                    Storage scalar = d.garbage(1);
                    Storage as = d.upload(ties);
                    Storage bs = d.upload(java.util.Arrays.copyOfRange(ties, 100, 100 + n));
                    d.backend().elementwise().binary(op, out, new int[]{n}, as, new int[]{1}, bs, new int[]{1});
                    d.backend().elementwise().binary(op, scalar, new int[]{}, as, new int[]{}, bs, new int[]{});
                    return d.results(out, scalar);
                });
            }
        }
    }

    /**
     * copyStrided with dst == src reads the whole view before writing any of it (Backend's
     * memmove rule), so an in-place transpose is a transpose; elements past the view's size keep
     * their values. The expected results are written out from a copy of the input (an in-order
     * loop over one array gives other values in every case here but the shift, which reads ahead).
     */
    @Test
    void copyStridedInPlaceReadsTheWholeViewFirst() {
        // srcOff, shape, strides: transpose (4, 8) -> (8, 4); drop the first row of (5, 8); reverse
        // the first 8; repeat the row [3, 8) twice; a permute of (2, 3, 5) read from offset 3.
        Object[][] cases = {
                {0, new int[]{8, 4}, new int[]{1, 8}},
                {8, new int[]{4, 8}, new int[]{8, 1}},
                {7, new int[]{8}, new int[]{-1}},
                {3, new int[]{2, 5}, new int[]{0, 1}},
                {3, new int[]{5, 2, 3}, new int[]{1, 15, 5}},
        };
        float[] x = normal(rng("copyStridedInPlace"), 40, 1);
        try (Device d = new Device(backend())) {
            for (Object[] c : cases) {
                int srcOff = (int) c[0];
                int[] shape = (int[]) c[1];
                int[] strides = (int[]) c[2];
                float[] expected = x.clone();
                int n = 1;
                for (int size : shape) {
                    n *= size;
                }
                for (int flat = 0; flat < n; flat++) {
                    int at = srcOff;
                    int rest = flat;
                    for (int axis = shape.length - 1; axis >= 0; axis--) {
                        at += (rest % shape[axis]) * strides[axis];
                        rest /= shape[axis];
                    }
                    expected[flat] = x[at];
                }
                Storage s = d.upload(x);
                backend().elementwise().copyStrided(s, s, srcOff, shape, strides);
                Compare.assertSameBits("copyStrided in place, srcOff " + srcOff + " shape "
                        + java.util.Arrays.toString(shape) + " strides " + java.util.Arrays.toString(strides) + " on "
                        + backend().name(), expected, d.download(s));
            }
        }
    }

    /** Non-finite values and extremes, each in a vector body and in a tail (n = 2 * 16 + 7 values). */
    private static float[] nonFinite(Rng rng) {
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1e30f, -1e30f,
                Float.MIN_VALUE, -Float.MAX_VALUE, 100f, -104f};
        float[] x = normal(rng, 39, 2);
        for (int i = 0; i < special.length; i++) {
            x[i] = special[i];
            x[17 + i % 5] = special[i]; // the second vector body, 16 lanes and below
            x[28 + i] = special[(i + 3) % special.length]; // the tail (and a vector body at 128 bits)
        }
        return x;
    }

    /**
     * NaN, infinities, signed zeros and extremes through every unary op and its derivative: a NaN
     * stays NaN (an op that hid it would hide a diverging run), an infinity gives the reference's
     * limit. Compared where the reference gives a value (NaN matches only NaN).
     */
    @Test
    void unaryOpsOnNonFiniteValues() {
        for (UnaryOp op : UnaryOp.values()) {
            Rng rng = rng("unaryNonFinite" + op);
            float[] x = nonFinite(rng);
            float[] dout = normal(rng, x.length, 1);
            check("unary " + op + " on non-finite values", Tolerance.ELEMENTWISE, d -> {
                Storage out = d.garbage(x.length);
                Storage dx = d.garbage(x.length);
                d.backend().elementwise().unary(op, out, d.upload(x), x.length, unaryAlpha(op));
                d.backend().elementwise().unaryBackward(op, dx, d.upload(dout), d.upload(x), x.length, unaryAlpha(op));
                return d.results(out, dx);
            });
        }
    }

    @Test
    void binaryOpsOnNonFiniteValues() {
        Rng rng = rng("binaryNonFinite");
        float[] a = nonFinite(rng);
        float[] b = nonFinite(rng);
        float[] shifted = new float[b.length];
        for (int i = 0; i < b.length; i++) {
            shifted[i] = b[(i + 5) % b.length]; // every pairing of specials appears somewhere
        }
        for (BinaryOp op : BinaryOp.values()) {
            check("binary " + op + " on non-finite values", Tolerance.ELEMENTWISE, d -> {
                Storage out = d.garbage(a.length);
                Storage broadcast = d.garbage(a.length);
                d.backend().elementwise().binary(op, out, new int[]{a.length}, d.upload(a), new int[]{1},
                        d.upload(shifted), new int[]{1});
                d.backend().elementwise().binary(op, broadcast, new int[]{a.length}, d.upload(a), new int[]{1},
                        d.upload(new float[]{Float.NaN}), new int[]{0});
                return d.results(out, broadcast);
            });
        }
    }

    /** Sums reach +-infinity or NaN, MAX of a column with a NaN is NaN (Math.max), of -inf only is -inf. */
    @Test
    void reductionsOfNonFiniteValues() {
        float[] x = normal(rng("reduceNonFinite"), 5 * 33, 1);
        x[3] = Float.NaN;                       // row 0 of inner = 1 rows: NaN
        x[33 + 4] = Float.POSITIVE_INFINITY;    // row 1: +inf
        x[2 * 33 + 1] = Float.POSITIVE_INFINITY;
        x[2 * 33 + 9] = Float.NEGATIVE_INFINITY; // row 2: NaN from inf - inf
        java.util.Arrays.fill(x, 3 * 33, 4 * 33, Float.NEGATIVE_INFINITY); // row 3: all -inf
        for (ReduceOp op : ReduceOp.values()) {
            for (int[] v : new int[][]{{5, 33, 1}, {1, 5, 33}, {5, 3, 11}}) {
                check("reduce " + op + " of non-finite values (outer, len, inner) = (" + v[0] + ", " + v[1] + ", "
                        + v[2] + ")", Tolerance.REDUCTION, d -> {
                            Storage out = d.garbage(v[0] * v[2]);
                            d.backend().reductions().reduce(op, out, d.upload(x), v[0], v[1], v[2]);
                            return d.results(out);
                        });
            }
        }
        for (int[] range : new int[][]{{0, 33}, {33, 33}, {66, 33}, {99, 33}, {132, 33}}) {
            double[] expected = {sumOfSquaresOn(REFERENCE, x, range[0], range[1])};
            double[] actual = {sumOfSquaresOn(backend(), x, range[0], range[1])};
            Compare.assertClose("sumOfSquares of non-finite values from " + range[0], expected, actual,
                    tolerance(Tolerance.REDUCTION));
        }
    }

    /** An infinity in A meets zeros and finite values in B: its row of C is NaN or infinite, others finite. */
    @Test
    void gemmPropagatesNonFiniteValues() {
        Rng rng = rng("gemmNonFinite");
        float[] a = normal(rng, 9 * 17, 1);
        float[] b = normal(rng, 17 * 13, 1);
        a[2 * 17 + 5] = Float.POSITIVE_INFINITY;
        a[4 * 17 + 16] = Float.NaN;
        java.util.Arrays.fill(b, 5 * 13, 5 * 13 + 4, 0f); // inf * 0 = NaN in columns 0-3 of row 2
        check("gemm with non-finite values", Tolerance.GEMM, d -> {
            Storage cs = d.garbage(9 * 13);
            d.backend().matmul().gemm(false, false, 9, 13, 17, 1f, d.upload(a), 0, 17, 0, d.upload(b), 0, 13, 0,
                    0f, cs, 0, 13, 0, 1);
            return d.results(cs);
        });
    }

    @Test
    void whereSelectsByNonZeroMask() {
        Rng rng = rng("where");
        for (int n : SIZES) {
            float[] mask = integers(rng, n, 1); // -1, 0, 1: any non-zero selects a
            float[] a = normal(rng, n, 1);
            float[] b = normal(rng, n, 1);
            check("where n=" + n, Tolerance.EXACT, d -> {
                Storage out = d.garbage(n);
                d.backend().elementwise().where(out, d.upload(mask), d.upload(a), d.upload(b), n);
                return d.results(out);
            });
        }
    }

    @Test
    void addScaledWithOffsets() {
        Rng rng = rng("addScaled");
        for (int n : SIZES) {
            float[] y = normal(rng, n + 9, 1);
            float[] x = normal(rng, n + 5, 1);
            check("addScaled n=" + n, Tolerance.ELEMENTWISE, d -> {
                Storage ys = d.upload(y);
                d.backend().elementwise().addScaled(ys, 4, d.upload(x), 5, n, -0.75f);
                return d.results(ys);
            });
        }
    }

    // ---------------------------------------------------------------- reductions

    @Test
    void reduceSumAndMaxOverTheMiddleAxis() {
        // (1, 300, 200): one output row, long enough for a backend to split its columns
        int[][] views = {{1, 257, 1}, {3, 7, 5}, {4, 1, 33}, {2, 33, 16}, {2, 0, 3}, {1, 300, 200}};
        for (ReduceOp op : ReduceOp.values()) {
            for (int[] v : views) {
                float[] x = normal(rng("reduce" + op + v[0] + v[1] + v[2]), v[0] * v[1] * v[2], 1);
                check("reduce " + op + " (outer, len, inner) = (" + v[0] + ", " + v[1] + ", " + v[2] + ")",
                        Tolerance.REDUCTION, d -> {
                            Storage out = d.garbage(v[0] * v[2]);
                            d.backend().reductions().reduce(op, out, d.upload(x), v[0], v[1], v[2]);
                            return d.results(out);
                        });
            }
        }
    }

    @Test
    void sumOfSquaresWithOffset() {
        float[] x = normal(rng("sumOfSquares"), 300, 1);
        for (int n : SIZES) {
            double[] expected = {sumOfSquaresOn(REFERENCE, x, n)};
            double[] actual = {sumOfSquaresOn(backend(), x, n)};
            Compare.assertClose("sumOfSquares n=" + n, expected, actual, tolerance(Tolerance.REDUCTION));
        }
    }

    private static double sumOfSquaresOn(org.jdna.engine.backend.Backend backend, float[] x, int n) {
        return sumOfSquaresOn(backend, x, 13, n);
    }

    private static double sumOfSquaresOn(org.jdna.engine.backend.Backend backend, float[] x, int off, int n) {
        try (Device d = new Device(backend)) {
            return backend.reductions().sumOfSquares(d.upload(x), off, n);
        }
    }

    // ---------------------------------------------------------------- gemm

    private void checkGemm(String what, boolean transA, boolean transB, int m, int n, int k, float alpha,
                           float beta, int batch, int aOff, int bOff, int cOff, int pad) {
        Rng rng = rng("gemm" + what);
        // stored shapes: A (m, k) or (k, m), B (k, n) or (n, k), each with pad extra columns
        int lda = (transA ? m : k) + pad;
        int ldb = (transB ? k : n) + pad;
        int ldc = n + pad;
        int strideA = (transA ? k : m) * lda + pad;
        int strideB = (transB ? n : k) * ldb + pad;
        int strideC = m * ldc + pad;
        float[] a = normal(rng, aOff + batch * strideA, 1);
        float[] b = normal(rng, bOff + batch * strideB, 1);
        float[] c = normal(rng, cOff + batch * strideC, 1);
        check("gemm " + what + " transA=" + transA + " transB=" + transB + " m=" + m + " n=" + n + " k=" + k
                + " batch=" + batch, Tolerance.GEMM, d -> {
                    Storage cs = d.upload(c);
                    d.backend().matmul().gemm(transA, transB, m, n, k, alpha, d.upload(a), aOff, lda, strideA,
                            d.upload(b), bOff, ldb, strideB, beta, cs, cOff, ldc, strideC, batch);
                    return d.results(cs);
                });
    }

    @Test
    void gemmAllTransposesModeratelyLarge() {
        for (boolean ta : new boolean[]{false, true}) {
            for (boolean tb : new boolean[]{false, true}) {
                checkGemm("large", ta, tb, 67, 75, 129, 1f, 0f, 1, 0, 0, 0, 0);
            }
        }
    }

    @Test
    void gemmTailSizes() {
        int[][] sizes = {{1, 1, 1}, {7, 5, 33}, {1, 17, 3}, {16, 16, 16}, {33, 1, 7}, {5, 9, 0}};
        for (int[] s : sizes) {
            for (boolean ta : new boolean[]{false, true}) {
                for (boolean tb : new boolean[]{false, true}) {
                    checkGemm("tail", ta, tb, s[0], s[1], s[2], 1f, 0f, 1, 0, 0, 0, 0);
                }
            }
        }
    }

    @Test
    void gemmBatchedWithOffsetsLeadingDimensionsAndBeta() {
        for (boolean ta : new boolean[]{false, true}) {
            for (boolean tb : new boolean[]{false, true}) {
                checkGemm("batched", ta, tb, 9, 13, 17, -1.5f, 0.5f, 3, 5, 7, 3, 2);
            }
        }
    }

    @Test
    void gemmWithBetaZeroDoesNotReadC() {
        float[] a = normal(rng("gemmNaN"), 7 * 5, 1);
        float[] b = normal(rng("gemmNaN b"), 5 * 3, 1);
        float[] c = new float[7 * 3];
        java.util.Arrays.fill(c, Float.NaN);
        check("gemm beta=0 over NaN", Tolerance.GEMM, d -> {
            Storage cs = d.upload(c);
            d.backend().matmul().gemm(false, false, 7, 3, 5, 1f, d.upload(a), 0, 5, 0, d.upload(b), 0, 3, 0,
                    0f, cs, 0, 3, 0, 1);
            return d.results(cs);
        });
    }

    // ---------------------------------------------------------------- optimizer

    @Test
    void adamwSeveralSteps() {
        for (int n : SIZES) {
            Rng rng = rng("adamw" + n);
            float[] p = normal(rng, n, 1);
            float[][] grads = new float[5][];
            for (int t = 0; t < grads.length; t++) {
                grads[t] = normal(rng, n, 0.1);
            }
            check("adamw n=" + n, Tolerance.OPTIMIZER, d -> {
                Storage ps = d.upload(p);
                Storage m = d.zeros(n);
                Storage v = d.zeros(n);
                for (int t = 0; t < grads.length; t++) {
                    d.backend().optimizer().adamw(ps, m, v, d.upload(grads[t]), n, 1e-2f, 0.9f, 0.95f, 1e-8f, 0.1f,
                            t + 1);
                }
                return d.results(ps, m, v);
            });
        }
    }
}
