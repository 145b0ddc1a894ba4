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
 * machine code of C2, JDK 25), and run at under half the speed; 4 x 3, 3 x 3 and 2 x 4 and a
 * k loop unrolled by two were all slower too. Measured on Zen 3 (2 FMAs of 8 floats per cycle,
 * latency 4: 8 chains just cover it), this tile reaches about 86 GFLOP/s from L1 on one core.
 *
 * <p>The scalar fallback (species null) runs the same tile shape with plain loops over NR = 8.
 */
final class GemmMicroKernel {
    static final int MR = 4;
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = SimdConfig.LANES;
    /** Columns of the tile: two vectors, or 8 for the scalar fallback. */
    static final int NR = S == null ? 8 : 2 * L;

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
        store(c00, c01, c, cOff, alpha, beta);
        store(c10, c11, c, cOff + ldc, alpha, beta);
        store(c20, c21, c, cOff + 2 * ldc, alpha, beta);
        store(c30, c31, c, cOff + 3 * ldc, alpha, beta);
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

    private static void store(FloatVector v0, FloatVector v1, float[] c, int off, float alpha, float beta) {
        if (alpha != 1f) {
            v0 = v0.mul(alpha);
            v1 = v1.mul(alpha);
        }
        if (beta != 0f) {
            v0 = FloatVector.fromArray(S, c, off).fma(FloatVector.broadcast(S, beta), v0);
            v1 = FloatVector.fromArray(S, c, off + L).fma(FloatVector.broadcast(S, beta), v1);
        }
        v0.intoArray(c, off);
        v1.intoArray(c, off + L);
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
