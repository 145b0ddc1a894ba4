package org.jdna.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packs blocks of op(A) and op(B) into the contiguous, zero-padded layouts the GEMM micro-kernel
 * streams through (BLIS): all four transpose cases are handled here, so the micro-kernel sees
 * one layout only.
 *
 * <ul>
 *   <li>A block (mc, kc) -> ceil(mc / MR) row panels; panel ip holds, for each p in [0, kc), the MR
 *       values op(A)[i0 + r, p] at [ip*kc*MR + p*MR + r].</li>
 *   <li>B block (kc, nc) -> ceil(nc / NR) column panels; panel jp holds, for each p, the NR values
 *       op(B)[p, j0 + j] at [jp*kc*NR + p*NR + j].</li>
 * </ul>
 * Rows or columns past the edge of the matrix are zero, so edge tiles compute harmless zeros.
 */
final class GemmPacking {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = SimdConfig.LANES;

    private GemmPacking() {
    }

    /**
     * Packs row panels [ipStart, ipEnd) of the block op(A)[ic .. ic+mc, pc .. pc+kc) into dst.
     * op(A) = A (m, k) with leading dimension lda, or A^T when transA (A stored (k, m)).
     */
    static void packA(float[] dst, float[] a, int aOff, int lda, boolean transA,
                      int ic, int mc, int pc, int kc, int mr, int ipStart, int ipEnd) {
        for (int ip = ipStart; ip < ipEnd; ip++) {
            int i0 = ic + ip * mr;
            int rows = Math.min(mr, ic + mc - i0);
            int base = ip * kc * mr;
            if (transA && rows == 4 && mr == 4) {
                // element (i, p) at a[aOff + p*lda + i]: four contiguous values per p
                for (int p = 0, src = aOff + pc * lda + i0, d = base; p < kc; p++, src += lda, d += 4) {
                    dst[d] = a[src];
                    dst[d + 1] = a[src + 1];
                    dst[d + 2] = a[src + 2];
                    dst[d + 3] = a[src + 3];
                }
            } else if (transA) {
                // element (i, p) at a[aOff + p*lda + i]: MR contiguous values per p
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + i0;
                    int d = base + p * mr;
                    for (int r = 0; r < rows; r++) {
                        dst[d + r] = a[src + r];
                    }
                    for (int r = rows; r < mr; r++) {
                        dst[d + r] = 0f;
                    }
                }
            } else if (rows == 4 && mr == 4) {
                // element (i, p) at a[aOff + i*lda + p]: four row streams, sequential writes
                int s0 = aOff + i0 * lda + pc;
                int s1 = s0 + lda;
                int s2 = s1 + lda;
                int s3 = s2 + lda;
                for (int p = 0, d = base; p < kc; p++, d += 4) {
                    dst[d] = a[s0 + p];
                    dst[d + 1] = a[s1 + p];
                    dst[d + 2] = a[s2 + p];
                    dst[d + 3] = a[s3 + p];
                }
            } else {
                // element (i, p) at a[aOff + i*lda + p]: one contiguous row per r
                for (int r = 0; r < rows; r++) {
                    int src = aOff + (i0 + r) * lda + pc;
                    for (int p = 0, d = base + r; p < kc; p++, d += mr) {
                        dst[d] = a[src + p];
                    }
                }
                for (int r = rows; r < mr; r++) {
                    for (int p = 0, d = base + r; p < kc; p++, d += mr) {
                        dst[d] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Packs column panels [jpStart, jpEnd) of the block op(B)[pc .. pc+kc, jc .. jc+nc) into dst
     * from dstOff on.
     * op(B) = B (k, n) with leading dimension ldb, or B^T when transB (B stored (n, k)).
     */
    static void packB(float[] dst, int dstOff, float[] b, int bOff, int ldb, boolean transB,
                      int jc, int nc, int pc, int kc, int nr, int jpStart, int jpEnd) {
        if (transB) {
            for (int jp = jpStart; jp < jpEnd; jp++) {
                int j0 = jc + jp * nr;
                int cols = Math.min(nr, jc + nc - j0);
                int base = dstOff + jp * kc * nr;
                // element (p, j) at b[bOff + j*ldb + p]: one contiguous row of B per column j
                for (int j = 0; j < cols; j++) {
                    int src = bOff + (j0 + j) * ldb + pc;
                    for (int p = 0, d = base + j; p < kc; p++, d += nr) {
                        dst[d] = b[src + p];
                    }
                }
                for (int j = cols; j < nr; j++) {
                    for (int p = 0, d = base + j; p < kc; p++, d += nr) {
                        dst[d] = 0f;
                    }
                }
            }
            return;
        }
        // element (p, j) at b[bOff + p*ldb + j]: row p of the block read left to right (one stream
        // the prefetchers follow), NR values into each panel
        int fullEnd = Math.min(jpEnd, Math.max(jpStart, nc / nr));
        for (int p = 0; p < kc; p++) {
            int src = bOff + (pc + p) * ldb + jc;
            int d = dstOff + p * nr;
            for (int jp = jpStart; jp < fullEnd; jp++) {
                copyPanelRow(b, src + jp * nr, dst, d + jp * kc * nr, nr);
            }
            for (int jp = fullEnd; jp < jpEnd; jp++) {
                int cols = nc - jp * nr;
                int at = d + jp * kc * nr;
                System.arraycopy(b, src + jp * nr, dst, at, cols);
                for (int j = cols; j < nr; j++) {
                    dst[at + j] = 0f;
                }
            }
        }
    }

    /** dst[d .. d+nr) = b[src .. src+nr): whole vectors (nr is a multiple of the lane count). */
    private static void copyPanelRow(float[] b, int src, float[] dst, int d, int nr) {
        if (S == null) {
            System.arraycopy(b, src, dst, d, nr);
            return;
        }
        for (int j = 0; j < nr; j += L) {
            FloatVector.fromArray(S, b, src + j).intoArray(dst, d + j);
        }
    }
}
