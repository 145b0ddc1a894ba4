package org.jdna.engine.backend;

import org.jdna.engine.memory.MemoryStats;

/**
 * The backend SPI: a device (its memory, its synchronization, its threads) and its primitives over
 * {@link Storage}, grouped in kernel families. A backend knows nothing about tensors, shapes beyond
 * the sizes passed in, or gradients; the autograd tape and the gradient rules live in the engine and
 * call these primitives (docs/architecture.md, rules 1 and 2).
 *
 * <p>Each primitive is declared once, in its family's interface ({@link ElementwiseKernels},
 * {@link ReductionKernels}, {@link MatmulKernels}, {@link NormKernels}, {@link IndexingKernels},
 * {@link AttentionKernels}, {@link RoutingKernels}, {@link OptimizerKernels}); a backend hands out
 * one object per family, its kernel class, and callers go through the accessor:
 * {@code backend.norms().layerNorm(...)}. Memory stays on the backend itself, as on a device.
 *
 * <p>Conventions, shared by every primitive of every family:
 * <ul>
 *   <li>All storages are row-major float32, all sizes and offsets are in elements.</li>
 *   <li>Outputs first, then buffers saved for backward, then inputs and weights, then sizes
 *       (llm.c's order). Gradients are prefixed {@code d}.</li>
 *   <li>Outputs are <b>overwritten</b>, never accumulated, unless the method says "adds".</li>
 *   <li>Integer index arrays ({@code int[]}) live on the host: routing decisions are small (N*K
 *       ints) and are needed on the host for statistics anyway. Device backends upload them.</li>
 *   <li>Results must not depend on the thread count: reductions and scatter-adds are
 *       deterministic (same bits every run).</li>
 *   <li>Argument checking of shapes and indices is the engine's job; backends may assume valid
 *       sizes but must still reject out-of-range indices with {@link IndexOutOfBoundsException}
 *       naming the primitive and the value.</li>
 * </ul>
 * The scalar {@code ReferenceBackend} is the specification: its loops define every result, and
 * every other backend is tested against it by the contract suite with named tolerances.
 *
 * <p>Legend: N rows (tokens), C / D columns (width), E experts/modules, K top-k, H heads, Dh head dim.
 */
public interface Backend extends AutoCloseable {

    /** Short name: "reference", "simd", "cuda". */
    String name();

    /** Human-readable details (species width, threads, device name) for logs and reports. */
    default String description() {
        return name();
    }

    // ---------------------------------------------------------------- kernel families

    /** Elementwise ops and the strided copy of a view. */
    ElementwiseKernels elementwise();

    /** Reductions along an axis, the sum of squares. */
    ReductionKernels reductions();

    /** Batched GEMM. */
    MatmulKernels matmul();

    /** Softmax, layer and RMS norm, cross-entropy: row kernels with their backward. */
    NormKernels norms();

    /** Row gather and scatter-add, axis gather and scatter-add, dispatch. */
    IndexingKernels indexing();

    /** Varlen multi-head attention, separate or packed q | k | v, forward and backward. */
    AttentionKernels attention();

    /** Router top-k and the weighted combine, forward and backward. */
    RoutingKernels routing();

    /** The fused AdamW update. */
    OptimizerKernels optimizer();

    // ---------------------------------------------------------------- memory (tinygrad's six)

    /** A new zero-filled storage of {@code length} floats. */
    Storage allocate(int length);

    /**
     * A new storage of {@code length} floats whose contents are unspecified (a pooled block keeps what it
     * held): for an output that a primitive overwrites in full before anything reads it, which saves the
     * zero fill, a pass over memory. The default zero-fills.
     */
    default Storage allocateForOverwrite(int length) {
        return allocate(length);
    }

    /** dst[dstOff .. dstOff+len) = src[srcOff .. srcOff+len) (host to backend). */
    void copyIn(Storage dst, int dstOff, float[] src, int srcOff, int len);

    /** dst[dstOff .. dstOff+len) = src[srcOff .. srcOff+len) (backend to host; synchronizes). */
    void copyOut(Storage src, int srcOff, float[] dst, int dstOff, int len);

    /**
     * dst[dstOff + i] = src[srcOff + i] for i in [0, len) (within the backend); overlapping ranges
     * of one storage copy as if through a temporary (memmove). A range outside either storage
     * throws IndexOutOfBoundsException before anything is written. (A strided view is copied by
     * {@link ElementwiseKernels#copyStrided}.)
     */
    void copy(Storage dst, int dstOff, Storage src, int srcOff, int len);

    /** dst[off + i] = value for i in [0, len). */
    void fill(Storage dst, int off, int len, float value);

    /**
     * This backend's memory pool now: bytes in use, cached and the peak in use (see
     * {@link org.jdna.engine.memory.MemoryScope}). A backend without a pool reports
     * {@link MemoryStats#NONE}.
     */
    default MemoryStats memoryStats() {
        return MemoryStats.NONE;
    }

    /** Gives the pool's cached blocks back (heap arrays to the garbage collector, device memory to the driver). */
    default void releaseCachedMemory() {
    }

    /** Starts the pool's peak in use over from what is in use now (to measure one step's peak). */
    default void resetMemoryPeak() {
    }

    /** Waits until all queued work has finished (a no-op on synchronous CPU backends). */
    default void synchronize() {
    }

    /**
     * Releases what this backend holds outside the Java heap or beyond its own life: device memory
     * (every block of its pool, in use or cached), library handles, loaded kernel modules, its
     * device context, its threads. Idempotent. Afterwards the backend and the storages it made must
     * not be used (closing a storage is harmless): a device backend refuses every call with an
     * IllegalStateException that names it, while {@link #name()}, {@link #description()} and
     * {@link #memoryStats()} still answer. The default does nothing: the reference backend's memory
     * belongs to the garbage collector.
     *
     * <p>A backend handed out by {@link Backends} is shared by everyone who asks for it: close it
     * through {@link Backends#closeAll()}, which also forgets it, so that the next request makes a
     * new one. A backend from {@link Backends#create} belongs to its caller.
     */
    @Override
    default void close() {
    }

    /**
     * Runs task(0), ..., task(n - 1), possibly at the same time on this backend's threads, and
     * returns when all have finished. Kernels called from inside a task run on that task's thread
     * alone: work made of many small kernels (the modules of a routed step) then shares the threads
     * a task each, rather than splitting every small kernel over all of them and waiting at the end
     * of each. Tasks must not depend on one another's order; a task runs its kernels exactly as a
     * one-thread backend would, so results do not change. When tasks fail, the exception of the
     * lowest-numbered failing task is rethrown once no task is running. The default runs the tasks
     * in order on the caller.
     */
    default void forEachTask(int n, java.util.function.IntConsumer task) {
        for (int i = 0; i < n; i++) {
            task.accept(i);
        }
    }
}
