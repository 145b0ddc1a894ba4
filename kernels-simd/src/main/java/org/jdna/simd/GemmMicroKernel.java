package org.jdna.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked GEMM micro-kernel: an (MR = 4) x (NR = 2 vectors) tile of C held in 8
 * independent FMA accumulators while streaming one packed A panel (kc, MR) and one packed B panel
 * (kc, NR) (layouts in {@link GemmPacking}). With 256-bit vectors the tile is 4 x 16.
 *
 * <p>Why 4 x 2 and not BLIS's 6 x 16 on AVX2 (16 ymm registers): C2 schedules all of an
 * iteration's broadcasts of A ahead of its FMAs, so a tile needs accumulators + B vectors + MR
 * broadcast registers, not + 1. 4 x 2 takes 8 + 2 + 4 = 14 and its loop is clean (8 FMAs, 2 loads,
 * 4 broadcasts, no range checks: C2 hoists them). 6 x 2 (12 + 2 + 6) and 5 x 2 (10 + 2 + 5) each
 * keep one accumulator on the stack, a load-FMA-store chain every iteration (read off the
 * machine code of C2, JDK 25), and run much slower; 4 x 3, 3 x 3 and 2 x 4 and a k loop unrolled
 * by two were all slower too. With two FMA pipes of latency 4 (2 x 4 vectors in flight), 8
 * independent chains just keep both busy.
 *
 * <p>With 512-bit vectors (32 zmm registers) the tile is 4 x 4 vectors (4 x 64, {@link #wide}):
 * 16 + 4 + 4 = 24 registers, and 16 chains leave the two FMA pipes slack to hide loads.
 * (Measured rates of both tiles: benchmarks/results/design-measurements.md, GemmMicroKernel.)
 *
 * <p>The scalar fallback (species null) runs the same tile shape with plain loops over NR = 8.
 */
final class GemmMicroKernel {
    static final int MR = 4;
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = SimdConfig.LANES;
    /**
     * Four vectors of columns with 512-bit vectors, whose 32 registers hold 16 accumulators + 4 B
     * vectors + 4 broadcasts; two vectors with narrower ones (16 registers); 8 for the scalar fallback.
     */
    static final boolean WIDE = S != null && S.vectorBitSize() >= 512;
    /** Columns of the tile: four or two vectors (see WIDE), or 8 for the scalar fallback. */
    static final int NR = S == null ? 8 : WIDE ? 4 * L : 2 * L;

    private GemmMicroKernel() {
    }

    /**
     * C[r, j] = alpha * sum_p A[p, r] * B[p, j] + beta * C[r, j] for the full MR x NR tile at
     * c[cOff + r*ldc + j]; C is not read when beta == 0.
     */
    static void full(float[] a, int aOff, float[] b, int bOff, int kc, float[] c, int cOff, int ldc,
                     float alpha, float beta) {
        if (S == null) {
            scalar(a, aOff, b, bOff, kc, c, cOff, ldc, alpha, beta);
            return;
        }
        if (WIDE) {
            wide(a, aOff, b, bOff, kc, c, cOff, ldc, alpha, beta);
            return;
        }
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ai = aOff + p * MR;
            int bi = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector av = FloatVector.broadcast(S, a[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
        }
        // The epilogue is written out here, not in a helper taking the accumulators: a helper that C2
        // compiled on its own first (it is hot too) is "already compiled into a big method" and not
        // inlined, and vectors passed to a call are boxed, so the loop above then allocated a box per
        // accumulator per iteration (GEMM 3x slower, in a JVM whose compile order happened to be that).
        int c1 = cOff + ldc;
        int c2 = cOff + 2 * ldc;
        int c3 = cOff + 3 * ldc;
        if (alpha != 1f) {
            c00 = c00.mul(alpha);
            c01 = c01.mul(alpha);
            c10 = c10.mul(alpha);
            c11 = c11.mul(alpha);
            c20 = c20.mul(alpha);
            c21 = c21.mul(alpha);
            c30 = c30.mul(alpha);
            c31 = c31.mul(alpha);
        }
        if (beta != 0f) {
            FloatVector vb = FloatVector.broadcast(S, beta);
            c00 = FloatVector.fromArray(S, c, cOff).fma(vb, c00);
            c01 = FloatVector.fromArray(S, c, cOff + L).fma(vb, c01);
            c10 = FloatVector.fromArray(S, c, c1).fma(vb, c10);
            c11 = FloatVector.fromArray(S, c, c1 + L).fma(vb, c11);
            c20 = FloatVector.fromArray(S, c, c2).fma(vb, c20);
            c21 = FloatVector.fromArray(S, c, c2 + L).fma(vb, c21);
            c30 = FloatVector.fromArray(S, c, c3).fma(vb, c30);
            c31 = FloatVector.fromArray(S, c, c3 + L).fma(vb, c31);
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + L);
        c10.intoArray(c, c1);
        c11.intoArray(c, c1 + L);
        c20.intoArray(c, c2);
        c21.intoArray(c, c2 + L);
        c30.intoArray(c, c3);
        c31.intoArray(c, c3 + L);
    }

    /**
     * {@link #full} for an MR x 4L tile (512-bit vectors): 16 accumulators, so two FMA pipes of
     * latency 4 always have independent work (8 left no slack; the rates are in
     * benchmarks/results/design-measurements.md). Written out like full, for the same reason (no
     * vector crosses a call).
     */
    private static void wide(float[] a, int aOff, float[] b, int bOff, int kc, float[] c, int cOff, int ldc,
                             float alpha, float beta) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ai = aOff + p * MR;
            int bi = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bi + 3 * L);
            FloatVector av = FloatVector.broadcast(S, a[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            c02 = av.fma(b2, c02);
            c03 = av.fma(b3, c03);
            av = FloatVector.broadcast(S, a[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            c12 = av.fma(b2, c12);
            c13 = av.fma(b3, c13);
            av = FloatVector.broadcast(S, a[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            c22 = av.fma(b2, c22);
            c23 = av.fma(b3, c23);
            av = FloatVector.broadcast(S, a[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            c32 = av.fma(b2, c32);
            c33 = av.fma(b3, c33);
        }
        int c1 = cOff + ldc;
        int c2 = cOff + 2 * ldc;
        int c3 = cOff + 3 * ldc;
        if (alpha != 1f) {
            c00 = c00.mul(alpha);
            c01 = c01.mul(alpha);
            c02 = c02.mul(alpha);
            c03 = c03.mul(alpha);
            c10 = c10.mul(alpha);
            c11 = c11.mul(alpha);
            c12 = c12.mul(alpha);
            c13 = c13.mul(alpha);
            c20 = c20.mul(alpha);
            c21 = c21.mul(alpha);
            c22 = c22.mul(alpha);
            c23 = c23.mul(alpha);
            c30 = c30.mul(alpha);
            c31 = c31.mul(alpha);
            c32 = c32.mul(alpha);
            c33 = c33.mul(alpha);
        }
        if (beta != 0f) {
            FloatVector vb = FloatVector.broadcast(S, beta);
            c00 = FloatVector.fromArray(S, c, cOff).fma(vb, c00);
            c01 = FloatVector.fromArray(S, c, cOff + L).fma(vb, c01);
            c02 = FloatVector.fromArray(S, c, cOff + 2 * L).fma(vb, c02);
            c03 = FloatVector.fromArray(S, c, cOff + 3 * L).fma(vb, c03);
            c10 = FloatVector.fromArray(S, c, c1).fma(vb, c10);
            c11 = FloatVector.fromArray(S, c, c1 + L).fma(vb, c11);
            c12 = FloatVector.fromArray(S, c, c1 + 2 * L).fma(vb, c12);
            c13 = FloatVector.fromArray(S, c, c1 + 3 * L).fma(vb, c13);
            c20 = FloatVector.fromArray(S, c, c2).fma(vb, c20);
            c21 = FloatVector.fromArray(S, c, c2 + L).fma(vb, c21);
            c22 = FloatVector.fromArray(S, c, c2 + 2 * L).fma(vb, c22);
            c23 = FloatVector.fromArray(S, c, c2 + 3 * L).fma(vb, c23);
            c30 = FloatVector.fromArray(S, c, c3).fma(vb, c30);
            c31 = FloatVector.fromArray(S, c, c3 + L).fma(vb, c31);
            c32 = FloatVector.fromArray(S, c, c3 + 2 * L).fma(vb, c32);
            c33 = FloatVector.fromArray(S, c, c3 + 3 * L).fma(vb, c33);
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + L);
        c02.intoArray(c, cOff + 2 * L);
        c03.intoArray(c, cOff + 3 * L);
        c10.intoArray(c, c1);
        c11.intoArray(c, c1 + L);
        c12.intoArray(c, c1 + 2 * L);
        c13.intoArray(c, c1 + 3 * L);
        c20.intoArray(c, c2);
        c21.intoArray(c, c2 + L);
        c22.intoArray(c, c2 + 2 * L);
        c23.intoArray(c, c2 + 3 * L);
        c30.intoArray(c, c3);
        c31.intoArray(c, c3 + L);
        c32.intoArray(c, c3 + 2 * L);
        c33.intoArray(c, c3 + 3 * L);
    }

    /**
     * The edge case: computes the full tile into {@code tile} (MR x NR scratch), then merges the
     * top-left rows x cols corner into C with alpha and beta.
     */
    static void partial(float[] a, int aOff, float[] b, int bOff, int kc, float[] c, int cOff, int ldc,
                        float alpha, float beta, int rows, int cols, float[] tile) {
        full(a, aOff, b, bOff, kc, tile, 0, NR, 1f, 0f);
        for (int r = 0; r < rows; r++) {
            int ci = cOff + r * ldc;
            int ti = r * NR;
            if (beta == 0f) {
                for (int j = 0; j < cols; j++) {
                    c[ci + j] = alpha * tile[ti + j];
                }
            } else {
                for (int j = 0; j < cols; j++) {
                    c[ci + j] = alpha * tile[ti + j] + beta * c[ci + j];
                }
            }
        }
    }

    private static void scalar(float[] a, int aOff, float[] b, int bOff, int kc, float[] c, int cOff, int ldc,
                               float alpha, float beta) {
        for (int r = 0; r < MR; r++) {
            for (int j = 0; j < NR; j++) {
                float acc = 0f;
                for (int p = 0; p < kc; p++) {
                    acc = Math.fma(a[aOff + p * MR + r], b[bOff + p * NR + j], acc);
                }
                int ci = cOff + r * ldc + j;
                float v = alpha * acc;
                c[ci] = beta == 0f ? v : Math.fma(beta, c[ci], v);
            }
        }
    }
}
