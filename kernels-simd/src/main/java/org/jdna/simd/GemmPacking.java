package org.jdna.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
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
    /**
     * Four lanes whatever the kernels' species: the shape of an MR = 4 panel's 4 x 4 transposes
     * (used only when the Vector API is on, SimdConfig.SPECIES != null).
     */
    private static final VectorSpecies<Float> S4 = FloatVector.SPECIES_128;
    // shuffles of two 4-lane vectors x, y (indexes 4..7 pick from y): (0 4 1 5), (2 6 3 7), (0 1 4 5), (2 3 6 7)
    private static final VectorShuffle<Float> INTERLEAVE_LO = interleave(S4, 0);
    private static final VectorShuffle<Float> INTERLEAVE_HI = interleave(S4, 2);
    private static final VectorShuffle<Float> PAIRS_LO = pairs(S4, 0);
    private static final VectorShuffle<Float> PAIRS_HI = pairs(S4, 2);
    // the same four shuffles at the kernels' width L (indexes L..2L-1 pick from y), for A panels
    private static final VectorShuffle<Float> WIDE_INTERLEAVE_LO = interleave(S, 0);
    private static final VectorShuffle<Float> WIDE_INTERLEAVE_HI = interleave(S, L / 2);
    private static final VectorShuffle<Float> WIDE_PAIRS_LO = pairs(S, 0);
    private static final VectorShuffle<Float> WIDE_PAIRS_HI = pairs(S, L / 2);

    private GemmPacking() {
    }

    /** Lanes (x[from], y[from], x[from + 1], y[from + 1], ...) of two vectors x, y of the species (null: none). */
    private static VectorShuffle<Float> interleave(VectorSpecies<Float> species, int from) {
        if (species == null) {
            return null;
        }
        int n = species.length();
        int[] lanes = new int[n];
        for (int i = 0; i < n / 2; i++) {
            lanes[2 * i] = from + i;
            lanes[2 * i + 1] = n + from + i;
        }
        return VectorShuffle.fromArray(species, lanes, 0);
    }

    /** Lanes (x[from], x[from + 1], y[from], y[from + 1], x[from + 2], ...): pairs of x and y in turn. */
    private static VectorShuffle<Float> pairs(VectorSpecies<Float> species, int from) {
        if (species == null) {
            return null;
        }
        int n = species.length();
        int[] lanes = new int[n];
        for (int j = 0; j < n / 4; j++) {
            for (int c = 0; c < 2; c++) {
                lanes[4 * j + c] = from + 2 * j + c;
                lanes[4 * j + 2 + c] = n + from + 2 * j + c;
            }
        }
        return VectorShuffle.fromArray(species, lanes, 0);
    }

    /**
     * Packs row panels [ipStart, ipEnd) of the block op(A)[ic .. ic+mc, pc .. pc+kc) into dst
     * from dstOff on (panel ip at dstOff + ip * kc * mr).
     * op(A) = A (m, k) with leading dimension lda, or A^T when transA (A stored (k, m)).
     */
    static void packA(float[] dst, int dstOff, float[] a, int aOff, int lda, boolean transA,
                      int ic, int mc, int pc, int kc, int mr, int ipStart, int ipEnd) {
        for (int ip = ipStart; ip < ipEnd; ip++) {
            int i0 = ic + ip * mr;
            int rows = Math.min(mr, ic + mc - i0);
            int base = dstOff + ip * kc * mr;
            if (transA && rows == 4 && mr == 4) {
                // element (i, p) at a[aOff + p*lda + i]: four contiguous values per p
                // Plain stores: as 128-bit vector loads and stores this loop was seen running the Vector API's Java
                // fallback in some JVMs (a float[] per load, 250 MB per DNA training step).
                int src = aOff + pc * lda + i0;
                for (int p = 0, d = base; p < kc; p++, src += lda, d += 4) {
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
            } else if (rows == 4 && mr == 4 && S != null) {
                interleaveRows4(dst, base, a, aOff + i0 * lda + pc, lda, kc);
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
     * dst[base + p*4 + r] = a[src + r*lda + p] for r < 4, p < kc (an A panel, MR = 4): the
     * {@link #transposeRows4} network at the kernels' full width, L values of p per step (four loads,
     * eight two-vector shuffles, four stores per 4 x L floats), the rest 4 x 4 at a time. With 4-lane
     * vectors a JFR profile of the dense training step had packing A at a sixth of the step
     * (benchmarks/results/design-measurements.md, "Packing A").
     */
    private static void interleaveRows4(float[] dst, int base, float[] a, int src, int lda, int kc) {
        int p = 0;
        int d = base;
        if (L > 4) {
            int s1 = src + lda;
            int s2 = s1 + lda;
            int s3 = s2 + lda;
            for (; p + L <= kc; p += L, d += 4 * L) {
                FloatVector r0 = FloatVector.fromArray(S, a, src + p);
                FloatVector r1 = FloatVector.fromArray(S, a, s1 + p);
                FloatVector r2 = FloatVector.fromArray(S, a, s2 + p);
                FloatVector r3 = FloatVector.fromArray(S, a, s3 + p);
                FloatVector t0 = r0.rearrange(WIDE_INTERLEAVE_LO, r1); // a0 b0 a1 b1 ...
                FloatVector t1 = r0.rearrange(WIDE_INTERLEAVE_HI, r1); // a(L/2) b(L/2) ...
                FloatVector t2 = r2.rearrange(WIDE_INTERLEAVE_LO, r3); // c0 d0 c1 d1 ...
                FloatVector t3 = r2.rearrange(WIDE_INTERLEAVE_HI, r3);
                t0.rearrange(WIDE_PAIRS_LO, t2).intoArray(dst, d);         // a0 b0 c0 d0 a1 b1 c1 d1 ...
                t0.rearrange(WIDE_PAIRS_HI, t2).intoArray(dst, d + L);     // from p = L/4
                t1.rearrange(WIDE_PAIRS_LO, t3).intoArray(dst, d + 2 * L); // from p = L/2
                t1.rearrange(WIDE_PAIRS_HI, t3).intoArray(dst, d + 3 * L); // from p = 3L/4
            }
        }
        transposeRows4(dst, d, 4, a, src + p, lda, kc - p);
    }

    /**
     * dst[base + p*dstStride + r] = a[src + r*lda + p] for r < 4, p < kc: four rows of a matrix
     * interleaved (an A panel: dstStride = MR = 4; four columns of a B panel from B^T: dstStride =
     * NR), as 4 x 4 transposes: four loads, eight two-vector shuffles and four stores per 16 floats,
     * about twice as fast as scalar copies (which made packing A a tenth of a GEMM with k = 1024).
     */
    private static void transposeRows4(float[] dst, int base, int dstStride, float[] a, int src, int lda, int kc) {
        int s1 = src + lda;
        int s2 = s1 + lda;
        int s3 = s2 + lda;
        int p = 0;
        int d = base;
        for (; p + 4 <= kc; p += 4, d += 4 * dstStride) {
            FloatVector r0 = FloatVector.fromArray(S4, a, src + p);
            FloatVector r1 = FloatVector.fromArray(S4, a, s1 + p);
            FloatVector r2 = FloatVector.fromArray(S4, a, s2 + p);
            FloatVector r3 = FloatVector.fromArray(S4, a, s3 + p);
            FloatVector t0 = r0.rearrange(INTERLEAVE_LO, r1); // a0 b0 a1 b1
            FloatVector t1 = r0.rearrange(INTERLEAVE_HI, r1); // a2 b2 a3 b3
            FloatVector t2 = r2.rearrange(INTERLEAVE_LO, r3); // c0 d0 c1 d1
            FloatVector t3 = r2.rearrange(INTERLEAVE_HI, r3); // c2 d2 c3 d3
            t0.rearrange(PAIRS_LO, t2).intoArray(dst, d);                 // a0 b0 c0 d0
            t0.rearrange(PAIRS_HI, t2).intoArray(dst, d + dstStride);     // a1 b1 c1 d1
            t1.rearrange(PAIRS_LO, t3).intoArray(dst, d + 2 * dstStride); // a2 b2 c2 d2
            t1.rearrange(PAIRS_HI, t3).intoArray(dst, d + 3 * dstStride); // a3 b3 c3 d3
        }
        for (; p < kc; p++, d += dstStride) {
            dst[d] = a[src + p];
            dst[d + 1] = a[s1 + p];
            dst[d + 2] = a[s2 + p];
            dst[d + 3] = a[s3 + p];
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
                // element (p, j) at b[bOff + j*ldb + p]: one contiguous row of B per column j.
                // A whole panel as L x L tiles transposed in registers (L = 8 or 16 lanes), the
                // last kc % L values of each column one by one: four times fewer shuffles per float
                // than 4 x 4 transposes of 128-bit vectors, which made repacking a weight matrix
                // for every small routed GEMM a third of a DNA step
                // (benchmarks/results/design-measurements.md, "Packing B^T")
                if (cols == nr && S != null && L >= 8 && nr % L == 0) {
                    int tiled = kc / L * L;
                    if (tiled > 0) {
                        TileTranspose.transposeTiles(b, bOff + j0 * ldb + pc, ldb, L * ldb, L,
                                dst, base, nr, L, L * nr, nr / L, tiled / L);
                    }
                    for (int j = 0; j < nr && tiled < kc; j++) {
                        int src = bOff + (j0 + j) * ldb + pc;
                        for (int p = tiled, d = base + tiled * nr + j; p < kc; p++, d += nr) {
                            dst[d] = b[src + p];
                        }
                    }
                    continue;
                }
                // four columns at a time as 4 x 4 transposes (128-bit vectors)
                if (cols == nr && S != null && nr % 4 == 0) {
                    for (int j = 0; j < nr; j += 4) {
                        transposeRows4(dst, base + j, nr, b, bOff + (j0 + j) * ldb + pc, ldb, kc);
                    }
                    continue;
                }
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

    /**
     * dst[d .. d+nr) = b[src .. src+nr). A plain copy: written as vector loads and stores, a steady-state
     * training step was seen (JFR allocation samples) running the Vector API's Java fallback here, a float[] per
     * load, about 20 MB per step.
     */
    private static void copyPanelRow(float[] b, int src, float[] dst, int d, int nr) {
        System.arraycopy(b, src, dst, d, nr);
    }
}
