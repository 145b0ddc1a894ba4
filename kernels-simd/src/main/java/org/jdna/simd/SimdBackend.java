package org.jdna.simd;

import static org.jdna.engine.backend.HeapStorage.array;

import java.util.function.IntConsumer;

import org.jdna.engine.backend.AttentionKernels;
import org.jdna.engine.backend.ElementwiseKernels;
import org.jdna.engine.backend.HeapBackend;
import org.jdna.engine.backend.HeapPool;
import org.jdna.engine.backend.IndexingKernels;
import org.jdna.engine.backend.MatmulKernels;
import org.jdna.engine.backend.NormKernels;
import org.jdna.engine.backend.OptimizerKernels;
import org.jdna.engine.backend.ReductionKernels;
import org.jdna.engine.backend.RoutingKernels;
import org.jdna.engine.backend.Storage;

/**
 * The Vector API backend: heap storage like the reference, hot primitives as vector kernels split
 * over a small fixed thread pool. The species is fixed per JVM ({@link SimdConfig}); the thread
 * count per instance.
 *
 * <p>Each kernel family is one class that implements its SPI interface directly
 * ({@link SimdElementwise}, {@link SimdReductions}, {@link SimdGemm}, {@link SimdNorms},
 * {@link SimdIndexing}, {@link SimdAttention}, {@link SimdRouting}, {@link SimdOptimizer}), all
 * sharing this backend's {@link Parallel} pool; this class holds them, the memory pool and the pool
 * of threads.
 *
 * <p>Every split is over independent outputs and every sum has a fixed order, so results do not
 * depend on the thread count.
 */
public final class SimdBackend implements HeapBackend {
    /** Floats per piece of a parallel copy (1 MiB): below two pieces one arraycopy is as fast. */
    private static final int COPY_GRAIN = 1 << 18;

    private final Parallel parallel;
    private final HeapPool pool = new HeapPool();
    private final SimdElementwise elementwise;
    private final SimdReductions reductions;
    private final SimdGemm gemm;
    private final SimdNorms norms;
    private final SimdIndexing indexing;
    private final SimdAttention attention;
    private final SimdRouting routing;
    private final SimdOptimizer optimizer;

    /** The JVM's species and the given number of threads. */
    public SimdBackend(int threads) {
        this.parallel = new Parallel(threads);
        this.elementwise = new SimdElementwise(parallel);
        this.reductions = new SimdReductions(parallel);
        this.gemm = new SimdGemm(parallel);
        this.norms = new SimdNorms(parallel);
        this.indexing = new SimdIndexing(parallel);
        this.attention = new SimdAttention(parallel, gemm);
        this.routing = new SimdRouting(parallel);
        this.optimizer = new SimdOptimizer(parallel);
    }

    /**
     * For tools that name a width: {@code speciesBits} must be the JVM's species width
     * ({@code -Djdna.simd.bits}), since the species is a start-up constant.
     */
    public SimdBackend(int speciesBits, int threads) {
        this(checkedThreads(speciesBits, threads));
    }

    private static int checkedThreads(int speciesBits, int threads) {
        SimdConfig.requireBits(speciesBits);
        return threads;
    }

    @Override
    public String name() {
        return "simd";
    }

    @Override
    public String description() {
        int threads = parallel.threads();
        return "simd (Vector API " + SimdConfig.describe() + ", " + threads + (threads == 1 ? " thread)" : " threads)");
    }

    public int threads() {
        return parallel.threads();
    }

    @Override public ElementwiseKernels elementwise() { return elementwise; }
    @Override public ReductionKernels reductions() { return reductions; }
    @Override public MatmulKernels matmul() { return gemm; }
    @Override public NormKernels norms() { return norms; }
    @Override public IndexingKernels indexing() { return indexing; }
    @Override public AttentionKernels attention() { return attention; }
    @Override public RoutingKernels routing() { return routing; }
    @Override public OptimizerKernels optimizer() { return optimizer; }

    /** The tasks share the pool's threads, one task per thread at a time (see {@link Parallel#forEachTask}). */
    @Override
    public void forEachTask(int n, IntConsumer task) {
        parallel.forEachTask(n, task);
    }

    /**
     * Stops the worker threads (they are daemons, so this is optional); a kernel split over them
     * afterwards throws IllegalStateException.
     */
    @Override
    public void close() {
        parallel.close();
    }

    // ---------------------------------------------------------------- memory

    // allocate, copyIn, copyOut, fill: HeapBackend's defaults, over this backend's pool

    @Override
    public HeapPool heapPool() {
        return pool;
    }

    /**
     * Large copies go in contiguous pieces over the pool: two cores copy faster than one
     * (benchmarks/results/design-measurements.md). Overlapping ranges of one array stay a single
     * arraycopy, which has memmove semantics.
     */
    @Override
    public void copy(Storage dst, int dstOff, Storage src, int srcOff, int len) {
        float[] d = array(dst);
        float[] s = array(src);
        if (len < 0 || srcOff < 0 || dstOff < 0 || srcOff > src.length() - len || dstOff > dst.length() - len) {
            throw new IndexOutOfBoundsException("copy: " + len + " floats from offset " + srcOff + " of "
                    + src.length() + " to offset " + dstOff + " of " + dst.length());
        }
        boolean overlapping = d == s && srcOff < dstOff + len && dstOff < srcOff + len;
        if (overlapping || parallel.chunks(len, COPY_GRAIN) <= 1) {
            System.arraycopy(s, srcOff, d, dstOff, len);
            return;
        }
        parallel.forRange(len, COPY_GRAIN, (from, to) -> System.arraycopy(s, srcOff + from, d, dstOff + from, to - from));
    }
}
