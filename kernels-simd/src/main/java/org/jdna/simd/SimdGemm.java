package org.jdna.simd;

import static org.jdna.engine.backend.HeapStorage.array;

import org.jdna.engine.backend.MatmulKernels;
import org.jdna.engine.backend.Storage;

/**
 * BLIS-style packed SGEMM: C_b = alpha * op(A_b) * op(B_b) + beta * C_b for b in [0, batch).
 *
 * <p>Loops (outermost first): jc over NC columns of C, packing all of op(B)[0..k, jc..] (k, nc)
 * once into a buffer the threads share (L3); then (in parallel) ic over row blocks of C, and for
 * each KC block pc of the inner dimension op(A)[ic.., pc..] (mc, kc), packed a few KC blocks ahead
 * into the worker's own buffer (L2), every NR column panel (L1) and every MR row panel one
 * {@link GemmMicroKernel} call.
 * The first pc block applies beta, later ones accumulate. The KC blocks run innermost of the row
 * block so that its C block (mc, nc), read and written once per KC block, stays in L2: with the KC
 * loop outside the row blocks, every micro-tile of C came back from L3 (strided rows the
 * prefetchers do not follow), which cost about a fifth of the time at k = 1024.
 *
 * <p>Determinism: every C element is summed in the same order (KC blocks in turn, p in order
 * within a block) whatever the thread count; threads only divide row blocks (multiples of MR, so
 * the micro-tiles are those of the serial loop) between them.
 * Packing buffers live in per-thread workspaces and are reused (no steady-state allocation).
 */
final class SimdGemm implements MatmulKernels {
    private static final int MR = GemmMicroKernel.MR;
    private static final int NR = GemmMicroKernel.NR;
    /**
     * Inner-dimension block: one packed B micro-panel (KC, NR) is 16 KiB (256-bit) or 32 KiB
     * (512-bit, KC = 128) and stays in L1. (Larger KC measured the same, see
     * benchmarks/results/design-measurements.md; KC also fixes the summation order, so it depends on
     * the species only, never on the thread count.)
     */
    private static final int KC = Math.clamp(4096 / NR, 128, 512);
    /** Most rows of a packed A block (MC, KC), about 128 KiB: stays in L2. A multiple of MR. */
    private static final int MC = (32768 / KC) / MR * MR;
    /**
     * Floats of the C block (mc, nc) a row block revisits once per KC block: 128 KiB, in L2 with the
     * packed A block (64 to 256 KiB measured alike, see benchmarks/results/design-measurements.md;
     * the whole C, 16 MiB, was the old loop order).
     */
    private static final int C_BLOCK = 1 << 15;
    /** Packed B blocks of at least this many floats (64 KiB) start on a cache line. */
    private static final int ALIGN_FROM = 1 << 14;
    /** Most floats of A packed ahead of its micro-kernels (256 KiB: in L2 beside the C block). */
    private static final int PACKED_A_GROUP = 1 << 16;
    /** Most columns of a packed B block (k, NC), shared by the threads: L3. A multiple of NR. */
    private static final int NC = 4096 / NR * NR;
    /** Most floats of one packed B block (k, nc) (16 MiB): a long k narrows nc. */
    private static final int MAX_PACKED_B = 1 << 22;
    /** Below this many flops per matrix a call runs on one thread (a parallel loop costs microseconds). */
    private static final long PARALLEL_FLOPS = 1L << 21;

    private final Parallel parallel;
    private final ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(Workspace::new);

    SimdGemm(Parallel parallel) {
        this.parallel = parallel;
    }

    /** Per-thread packing buffers, grown on demand and kept. */
    private static final class Workspace {
        final float[] tile = new float[MR * NR];
        private float[] packA = new float[0];
        private float[] packB = new float[0];

        /** A buffer of at least {@code length} floats for a group of packed A blocks, kept for later calls. */
        float[] packA(int length) {
            if (packA.length < length) {
                packA = new float[length];
            }
            return packA;
        }

        /** A buffer of at least {@code length} floats for a packed B block, kept for later calls. */
        float[] packB(int length) {
            if (packB.length < length) {
                packB = new float[length];
            }
            return packB;
        }
    }

    /** Splits the work over the pool when it is large enough. */
    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     Storage aS, int aOff, int lda, int strideA,
                     Storage bS, int bOff, int ldb, int strideB,
                     float beta, Storage cS, int cOff, int ldc, int strideC, int batch) {
        float[] a = array(aS), b = array(bS), c = array(cS);
        if (m <= 0 || n <= 0 || batch <= 0) {
            return;
        }
        long flops = 2L * m * n * Math.max(k, 1);
        boolean perBatchParallel = batch > 1 && (flops < PARALLEL_FLOPS * 4 || batch >= 4 * parallel.threads());
        if (perBatchParallel && parallel.chunks(batch, 1) > 1) {
            // one product per task, each thread taking the next: the split follows the threads' actual speed
            parallel.forEachTask(batch, bt -> one(false, workspaces.get(), transA, transB, m, n, k, alpha,
                    a, aOff + bt * strideA, lda, b, bOff + bt * strideB, ldb, beta, c, cOff + bt * strideC, ldc));
            return;
        }
        boolean inner = flops >= PARALLEL_FLOPS && parallel.chunks(parallel.threads(), 1) > 1;
        Workspace ws = workspaces.get();
        for (int bt = 0; bt < batch; bt++) {
            one(inner, ws, transA, transB, m, n, k, alpha, a, aOff + bt * strideA, lda,
                    b, bOff + bt * strideB, ldb, beta, c, cOff + bt * strideC, ldc);
        }
    }

    /** One product on the calling thread only (for kernels that already run in parallel). */
    void gemmSerial(boolean transA, boolean transB, int m, int n, int k, float alpha,
                    float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                    float beta, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) {
            return;
        }
        one(false, workspaces.get(), transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * One matrix product; shares row blocks out over the pool when {@code parallelRows}. Per NC
     * column block, all of op(B) (k, nc) is first packed into the caller's buffer (KC block pb at
     * pb * KC * nPanels * NR, its panels of kc * NR after each other), then each row block runs
     * through every KC block against it.
     */
    private void one(boolean parallelRows, Workspace ws, boolean transA, boolean transB,
                     int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        if (k <= 0 || alpha == 0f) {
            scaleC(c, cOff, ldc, m, n, beta);
            return;
        }
        int kBlocks = (k + KC - 1) / KC;
        int nc = Math.max(NR, Math.min(NC, MAX_PACKED_B / (kBlocks * KC) / NR * NR));
        int threads = parallelRows ? parallel.threads() : 1;
        for (int jc = 0; jc < n; jc += nc) {
            int ncb = Math.min(nc, n - jc);
            int nPanels = (ncb + NR - 1) / NR;
            int blockStride = KC * nPanels * NR;
            // one float short of a cache line's worth of slack, so that the panels can start on a line;
            // asked only for blocks worth the downcall (about 40 ns: a few percent of attention's tiny GEMMs)
            int packed = kBlocks * blockStride;
            float[] packB = ws.packB(packed + 15);
            int base = packed >= ALIGN_FROM ? CacheLineAlignment.floatsToLine(packB) : 0;
            int jcf = jc;
            int mc = rowBlock(m, ncb, threads);
            int items = (m + mc - 1) / mc;
            if (threads > 1) {
                // pieces of at least 32K packed floats; then the row blocks, each on its taker's workspace
                int piece = Math.max(1, (1 << 15) / (k * NR));
                parallel.forEachTask((nPanels + piece - 1) / piece, it -> packPanels(packB, base, blockStride, b, bOff,
                        ldb, transB, jcf, ncb, k, it * piece, Math.min(nPanels, (it + 1) * piece)));
                parallel.forEachTask(items, it -> rowBlock(workspaces.get(), transA, a, aOff, lda, it * mc,
                        Math.min(mc, m - it * mc), k, packB, base, blockStride, jcf, ncb, alpha, beta, c, cOff, ldc));
            } else {
                // no lambda on the serial path: attention runs thousands of small serial GEMMs per step
                packPanels(packB, base, blockStride, b, bOff, ldb, transB, jc, ncb, k, 0, nPanels);
                for (int it = 0; it < items; it++) {
                    rowBlock(ws, transA, a, aOff, lda, it * mc, Math.min(mc, m - it * mc), k, packB, base,
                            blockStride, jc, ncb, alpha, beta, c, cOff, ldc);
                }
            }
        }
    }

    /** Panels [s, e) of every KC block of B's column block at jc, ncb wide, into packB from {@code base}. */
    private static void packPanels(float[] packB, int base, int blockStride, float[] b, int bOff, int ldb,
                                   boolean transB, int jc, int ncb, int k, int s, int e) {
        for (int pb = 0, pc = 0; pc < k; pb++, pc += KC) {
            GemmPacking.packB(packB, base + pb * blockStride, b, bOff, ldb, transB, jc, ncb, pc, Math.min(KC, k - pc),
                    NR, s, e);
        }
    }

    /**
     * Rows [ic, ic + mc) of the C block at column jc: every KC block in turn, beta with the first.
     * A is packed a group of KC blocks at a time (at most PACKED_A_GROUP floats), each MR-row panel
     * across the whole group, so that rows of A are read in long runs that the prefetchers follow
     * (one KC block at a time read mc runs of KC floats, lda apart: with n = 256 packing A was a
     * quarter of the GEMM; benchmarks/results/design-measurements.md). A transposed A, whose rows
     * hold MR-wide pieces of many panels, is still packed one KC block at a time.
     */
    private void rowBlock(Workspace ws, boolean transA, float[] a, int aOff, int lda, int ic, int mc, int k,
                          float[] packB, int base, int blockStride, int jc, int ncb,
                          float alpha, float beta, float[] c, int cOff, int ldc) {
        int nPanels = (ncb + NR - 1) / NR;
        int mPanels = (mc + MR - 1) / MR;
        int kBlocks = (k + KC - 1) / KC;
        int blockFloats = mPanels * MR * KC;
        int group = Math.clamp(PACKED_A_GROUP / blockFloats, 1, kBlocks);
        float[] packA = ws.packA(group * blockFloats);
        for (int g0 = 0; g0 < kBlocks; g0 += group) {
            int g1 = Math.min(kBlocks, g0 + group);
            if (transA) {
                for (int pb = g0; pb < g1; pb++) {
                    GemmPacking.packA(packA, (pb - g0) * blockFloats, a, aOff, lda, true, ic, mc, pb * KC,
                            Math.min(KC, k - pb * KC), MR, 0, mPanels);
                }
            } else {
                for (int ip = 0; ip < mPanels; ip++) {
                    for (int pb = g0; pb < g1; pb++) {
                        GemmPacking.packA(packA, (pb - g0) * blockFloats, a, aOff, lda, false, ic, mc, pb * KC,
                                Math.min(KC, k - pb * KC), MR, ip, ip + 1);
                    }
                }
            }
            for (int pb = g0; pb < g1; pb++) {
                block(ws, packA, (pb - g0) * blockFloats, ic, mc, Math.min(KC, k - pb * KC), packB,
                        base + pb * blockStride, jc, ncb, 0, nPanels, alpha, pb == 0 ? beta : 1f, c, cOff, ldc);
            }
        }
    }

    /**
     * Rows per row block for a C block nc wide: a multiple of MR, at most MC (A block in L2) and
     * about C_BLOCK / nc (C block in L2), and with several threads small enough for about two
     * blocks per thread (for balance). The tiles, and so the sums, are those of the serial loop.
     */
    static int rowBlock(int m, int nc, int threads) {
        int rows = Math.min(MC, Math.max(MR, C_BLOCK / nc / MR * MR));
        if (threads > 1) {
            int perItem = (m + 2 * threads - 1) / (2 * threads);
            rows = Math.min(rows, Math.max(MR, (perItem + MR - 1) / MR * MR));
        }
        return rows;
    }

    /** Runs the micro-kernel over B panels [jpStart, jpEnd) against the A block (mc, kc) packed at packAOff. */
    private void block(Workspace ws, float[] packA, int packAOff, int ic, int mc, int kc,
                       float[] packB, int packBOff, int jc, int ncb, int jpStart, int jpEnd,
                       float alpha, float beta, float[] c, int cOff, int ldc) {
        int mr = MR;
        int nr = NR;
        int mPanels = (mc + mr - 1) / mr;
        for (int jp = jpStart; jp < jpEnd; jp++) {
            int j0 = jc + jp * nr;
            int cols = Math.min(nr, jc + ncb - j0);
            int bBase = packBOff + jp * kc * nr;
            for (int ip = 0; ip < mPanels; ip++) {
                int i0 = ic + ip * mr;
                int rows = Math.min(mr, ic + mc - i0);
                int cAt = cOff + i0 * ldc + j0;
                if (rows == mr && cols == nr) {
                    GemmMicroKernel.full(packA, packAOff + ip * kc * mr, packB, bBase, kc, c, cAt, ldc, alpha, beta);
                } else {
                    GemmMicroKernel.partial(packA, packAOff + ip * kc * mr, packB, bBase, kc, c, cAt, ldc, alpha, beta,
                            rows, cols, ws.tile);
                }
            }
        }
    }

    /** C = beta * C (C = 0 without reading it when beta == 0): the product term is empty. */
    private static void scaleC(float[] c, int cOff, int ldc, int m, int n, float beta) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                c[row + j] = beta == 0f ? 0f : beta * c[row + j];
            }
        }
    }
}
