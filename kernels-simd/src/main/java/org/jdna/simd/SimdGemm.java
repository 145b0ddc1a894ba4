package org.jdna.simd;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * BLIS-style packed SGEMM: C_b = alpha * op(A_b) * op(B_b) + beta * C_b for b in [0, batch).
 *
 * <p>Loops (outermost first): jc over NC columns of C; pc over KC of the inner dimension, packing
 * op(B)[pc.., jc..] (kc, nc) once into a shared buffer (L3); then (in parallel) ic over MC rows,
 * packing op(A)[ic.., pc..] (mc, kc) into the worker's own buffer (L2), and for every NR column
 * panel (L1) and MR row panel one {@link GemmMicroKernel} call. The first pc block applies beta,
 * later ones accumulate, so C is read at most once per KC block.
 *
 * <p>Determinism: every C element is summed in the same order (KC blocks in turn, p in order
 * within a block) whatever the thread count; threads only divide C tiles between them.
 * Packing buffers live in per-thread workspaces and are reused (no steady-state allocation).
 */
final class SimdGemm {
    private static final int MR = GemmMicroKernel.MR;
    private static final int NR = GemmMicroKernel.NR;
    /** Inner-dimension block: one packed B micro-panel (KC, NR) is about 16 KiB and stays in L1. */
    private static final int KC = Math.clamp(4096 / NR, 128, 512);
    /** Rows of a packed A block (MC, KC), about 128 KiB: stays in L2. A multiple of MR. */
    private static final int MC = (32768 / KC) / MR * MR;
    /** Columns of a packed B block (KC, NC), shared by the threads: L3. A multiple of NR. */
    private static final int NC = 3072 / NR * NR;
    /** Below this many flops per matrix a call runs on one thread (a parallel loop costs microseconds). */
    private static final long PARALLEL_FLOPS = 1L << 21;

    private final Parallel parallel;
    private final int nr = NR;
    private final int nc = NC;
    private final ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(Workspace::new);

    SimdGemm(Parallel parallel) {
        this.parallel = parallel;
    }

    /** Most floats of a whole packed op(B) for the parallel path (64 MiB); larger products use NC blocks. */
    private static final long MAX_SHARED_B = 1L << 24;

    /** Per-thread packing buffers, sized once to the block sizes (the shared B grows on demand). */
    private static final class Workspace {
        final float[] packA = new float[MC * KC];
        final float[] packB = new float[KC * NC];
        final float[] tile = new float[MR * NR];
        private float[] wholeB = new float[0];

        /** A buffer of at least {@code length} floats for all of op(B), kept for later calls. */
        float[] wholeB(int length) {
            if (wholeB.length < length) {
                wholeB = new float[length];
            }
            return wholeB;
        }
    }

    /** The Backend.gemm contract; splits the work over the pool when it is large enough. */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              float[] a, int aOff, int lda, int strideA,
              float[] b, int bOff, int ldb, int strideB,
              float beta, float[] c, int cOff, int ldc, int strideC, int batch) {
        if (m <= 0 || n <= 0 || batch <= 0) {
            return;
        }
        long flops = 2L * m * n * Math.max(k, 1);
        boolean perBatchParallel = batch > 1 && (flops < PARALLEL_FLOPS * 4 || batch >= 4 * parallel.threads());
        if (perBatchParallel && parallel.chunks(batch, 1) > 1) {
            AtomicInteger next = new AtomicInteger();
            parallel.forRange(parallel.threads(), 1, (s, e) -> {
                Workspace ws = workspaces.get();
                for (int bt; (bt = next.getAndIncrement()) < batch; ) {
                    one(false, ws, transA, transB, m, n, k, alpha, a, aOff + bt * strideA, lda,
                            b, bOff + bt * strideB, ldb, beta, c, cOff + bt * strideC, ldc);
                }
            });
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

    /** One matrix product; splits C tiles over the pool when {@code parallelTiles}. */
    private void one(boolean parallelTiles, Workspace ws, boolean transA, boolean transB,
                     int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        if (k <= 0 || alpha == 0f) {
            scaleC(c, cOff, ldc, m, n, beta);
            return;
        }
        int panelsAll = (n + nr - 1) / nr;
        if (parallelTiles && (long) k * panelsAll * nr <= MAX_SHARED_B) {
            oneParallel(ws, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        float[] packB = ws.packB;
        for (int jc = 0; jc < n; jc += nc) {
            int ncb = Math.min(nc, n - jc);
            int nPanels = (ncb + nr - 1) / nr;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                float betaBlock = pc == 0 ? beta : 1f;
                int jcf = jc;
                int pcf = pc;
                if (parallelTiles) {
                    int grain = Math.max(1, (1 << 14) / (kc * nr));
                    parallel.forRange(nPanels, grain, (s, e) ->
                            GemmPacking.packB(packB, 0, b, bOff, ldb, transB, jcf, ncb, pcf, kc, nr, s, e));
                    // Row blocks of at most MC rows, at least two per thread: each thread packs only its
                    // own rows of A (packed once per KC block) against the shared packed B. (Splitting
                    // the columns instead would pack the same A block once per column split.)
                    int mc = rowBlock(m, parallel.threads());
                    int items = (m + mc - 1) / mc;
                    AtomicInteger next = new AtomicInteger();
                    parallel.forRange(Math.min(items, parallel.threads()), 1, (s, e) -> {
                        Workspace own = workspaces.get();
                        for (int it; (it = next.getAndIncrement()) < items; ) {
                            block(own, transA, a, aOff, lda, it * mc, Math.min(mc, m - it * mc), pcf, kc,
                                    packB, 0, jcf, ncb, 0, nPanels, alpha, betaBlock, c, cOff, ldc);
                        }
                    });
                } else {
                    GemmPacking.packB(packB, 0, b, bOff, ldb, transB, jc, ncb, pc, kc, nr, 0, nPanels);
                    for (int ic = 0; ic < m; ic += MC) {
                        block(ws, transA, a, aOff, lda, ic, Math.min(MC, m - ic), pc, kc,
                                packB, 0, jc, ncb, 0, nPanels, alpha, betaBlock, c, cOff, ldc);
                    }
                }
            }
        }
    }

    /**
     * One product on the pool in two parallel loops, whatever k: first all of op(B) (k, n) is packed
     * into the caller's shared buffer (KC block pb at pb * KC * nPanels * NR, its panels of kc * NR
     * after each other), then row blocks of C are shared out; each thread packs its own rows of A
     * per KC block and runs them against every B panel. Every C tile sees the KC blocks in order,
     * as in the serial loop, so the result does not depend on the thread count.
     */
    private void oneParallel(Workspace ws, boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        int nPanels = (n + nr - 1) / nr;
        int kBlocks = (k + KC - 1) / KC;
        int blockStride = KC * nPanels * nr;
        float[] packB = ws.wholeB(k * nPanels * nr);
        int packItems = kBlocks * nPanels;
        parallel.forRange(packItems, Math.max(1, (1 << 14) / (KC * nr)), (s, e) -> {
            for (int it = s; it < e; it++) {
                int pb = it / nPanels;
                int jp = it % nPanels;
                int kc = Math.min(KC, k - pb * KC);
                GemmPacking.packB(packB, pb * blockStride, b, bOff, ldb, transB, 0, n, pb * KC, kc, nr, jp, jp + 1);
            }
        });
        int mc = rowBlock(m, parallel.threads());
        int items = (m + mc - 1) / mc;
        AtomicInteger next = new AtomicInteger();
        parallel.forRange(Math.min(items, parallel.threads()), 1, (s, e) -> {
            Workspace own = workspaces.get();
            for (int it; (it = next.getAndIncrement()) < items; ) {
                for (int pb = 0; pb < kBlocks; pb++) {
                    int pc = pb * KC;
                    block(own, transA, a, aOff, lda, it * mc, Math.min(mc, m - it * mc), pc, Math.min(KC, k - pc),
                            packB, pb * blockStride, 0, n, 0, nPanels, alpha, pb == 0 ? beta : 1f, c, cOff, ldc);
                }
            }
        });
    }

    /**
     * Rows per parallel row block: m split into about two blocks per thread (for balance), a
     * multiple of MR (so the micro-tiles, and the sums, are those of the serial loop), at most MC.
     */
    static int rowBlock(int m, int threads) {
        int perItem = (m + 2 * threads - 1) / (2 * threads);
        return Math.min(MC, Math.max(MR, (perItem + MR - 1) / MR * MR));
    }

    /** Packs A block (mc, kc) at row ic, then runs the micro-kernel over B panels [jpStart, jpEnd). */
    private void block(Workspace ws, boolean transA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc,
                       float[] packB, int packBOff, int jc, int ncb, int jpStart, int jpEnd,
                       float alpha, float beta, float[] c, int cOff, int ldc) {
        int mr = MR;
        int mPanels = (mc + mr - 1) / mr;
        float[] packA = ws.packA;
        GemmPacking.packA(packA, a, aOff, lda, transA, ic, mc, pc, kc, mr, 0, mPanels);
        for (int jp = jpStart; jp < jpEnd; jp++) {
            int j0 = jc + jp * nr;
            int cols = Math.min(nr, jc + ncb - j0);
            int bBase = packBOff + jp * kc * nr;
            for (int ip = 0; ip < mPanels; ip++) {
                int i0 = ic + ip * mr;
                int rows = Math.min(mr, ic + mc - i0);
                int cAt = cOff + i0 * ldc + j0;
                if (rows == mr && cols == nr) {
                    GemmMicroKernel.full(packA, ip * kc * mr, packB, bBase, kc, c, cAt, ldc, alpha, beta);
                } else {
                    GemmMicroKernel.partial(packA, ip * kc * mr, packB, bBase, kc, c, cAt, ldc, alpha, beta,
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
