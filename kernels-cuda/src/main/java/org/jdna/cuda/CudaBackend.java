package org.jdna.cuda;

import jcuda.Pointer;
import jcuda.driver.JCudaDriver;
import org.jdna.engine.backend.AttentionKernels;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.BackendUnavailableException;
import org.jdna.engine.backend.ElementwiseKernels;
import org.jdna.engine.backend.IndexingKernels;
import org.jdna.engine.backend.MatmulKernels;
import org.jdna.engine.backend.NormKernels;
import org.jdna.engine.backend.OptimizerKernels;
import org.jdna.engine.backend.ReductionKernels;
import org.jdna.engine.backend.RoutingKernels;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.memory.MemoryStats;

/**
 * The CUDA backend: device-resident storages, kernels from the PTX built out of src/main/cuda,
 * GEMM through cuBLAS when one loads. All work goes to the default stream in issue order; host
 * reads ({@link #copyOut}, {@code sumOfSquares}, {@code topk}'s indices) wait for it. All device
 * memory comes from the backend's one {@link DeviceMemoryPool}: storages, and the temporaries of the
 * primitives, which live in {@link DeviceScratch}'s reused pool blocks (primitives allocate no
 * storage; the packed attention pair reads and writes its q | k | v blocks in place).
 * Use from one thread at a time (like a CUDA stream).
 *
 * <p>Each kernel family is one launcher class per .cu file ({@link CudaElementwise},
 * {@link CudaReductions}, {@link CudaMatmul}, {@link CudaNorms}, {@link CudaIndexing},
 * {@link CudaAttention}, {@link CudaRouting}, {@link CudaOptimizer}) that implements its SPI interface
 * directly. The driver needs the device's context current on the calling thread: the family
 * accessors make it so ({@link #entered}) before handing a family out, so a launcher never does,
 * and the memory primitives below do it themselves.
 *
 * <p>{@link #close} gives everything back ({@link ReleaseOrder}): every device block, scratch
 * included, the cuBLAS handle, the kernel modules and the device's retain of its primary context.
 * After it every call but {@link #name}, {@link #description} and {@link #memoryStats} throws an
 * IllegalStateException naming the backend, and so does a kernel family or a storage kept from before.
 *
 * <p>Created by {@link CudaBackendProvider} ("cuda"), never picked implicitly; the backend owns the
 * device it is given.
 */
public final class CudaBackend implements Backend {
    private final CudaDevice device;
    private final PtxModules modules;
    private final DeviceMemoryPool pool;
    private final DeviceScratch scratch;
    private final KernelRunner runner;
    private final CudaElementwise elementwise;
    private final CudaReductions reductions;
    private final CudaMatmul matmul;
    private final CudaNorms norms;
    private final CudaIndexing indexing;
    private final CudaAttention attention;
    private final CudaRouting routing;
    private final CudaOptimizer optimizer;
    private volatile boolean closed;

    CudaBackend(CudaDevice device, String arch, String gemmMode) throws BackendUnavailableException {
        this.device = device;
        this.modules = new PtxModules(CudaBackend.class.getClassLoader(), arch);
        this.pool = new DeviceMemoryPool(new JCudaDeviceAllocator(device));
        this.scratch = new DeviceScratch(pool);
        this.runner = new KernelRunner(device, modules);
        modules.loadAll();
        this.matmul = new CudaMatmul(runner, gemmMode);
        this.elementwise = new CudaElementwise(runner, scratch);
        this.reductions = new CudaReductions(runner, scratch);
        this.norms = new CudaNorms(runner, scratch);
        this.indexing = new CudaIndexing(runner, scratch);
        this.attention = new CudaAttention(runner, scratch);
        this.routing = new CudaRouting(runner, scratch);
        this.optimizer = new CudaOptimizer(runner, scratch);
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String description() {
        return "cuda: " + device + ", PTX " + modules.arch() + ", GEMM: " + matmul.description();
    }

    /** The GEMM route in use (for benchmarks and reports). */
    public String gemmRoute() {
        return matmul.route();
    }

    /**
     * The GEMM route {@code mode} (jcublas, ffm, kernel) on this backend's device, built anew, or the
     * reason it cannot load here: for tests that check every route, not only the one in use.
     */
    GemmRoute gemmRoute(String mode) throws BackendUnavailableException {
        checkOpen("gemmRoute");
        device.makeCurrent();
        return GemmRoutes.select(runner, mode).route();
    }

    public CudaDevice device() {
        return device;
    }

    // ---------------------------------------------------------------- kernel families

    /**
     * A family, once the device's context is current on the calling thread (after the first time on
     * a thread, a thread-local check): every kernel call enters through here. Call the accessor for
     * each call, as the engine does ({@code backend.norms().softmax(...)}), rather than keeping a
     * family for another thread.
     */
    private <F> F entered(F family, String name) {
        checkOpen(name);
        device.makeCurrent();
        return family;
    }

    @Override public ElementwiseKernels elementwise() { return entered(elementwise, "elementwise"); }
    @Override public ReductionKernels reductions() { return entered(reductions, "reductions"); }
    @Override public MatmulKernels matmul() { return entered(matmul, "matmul"); }
    @Override public NormKernels norms() { return entered(norms, "norms"); }
    @Override public IndexingKernels indexing() { return entered(indexing, "indexing"); }
    @Override public AttentionKernels attention() { return entered(attention, "attention"); }
    @Override public RoutingKernels routing() { return entered(routing, "routing"); }
    @Override public OptimizerKernels optimizer() { return entered(optimizer, "optimizer"); }

    /** The pool's statistics; after {@link #close}, its last (nothing in use or cached). */
    @Override
    public MemoryStats memoryStats() {
        return pool.stats();
    }

    @Override
    public void releaseCachedMemory() {
        checkOpen("releaseCachedMemory");
        pool.releaseCached();
    }

    @Override
    public void resetMemoryPeak() {
        checkOpen("resetMemoryPeak");
        pool.resetPeak();
    }

    // ---------------------------------------------------------------- lifetime

    /** Releases everything the backend holds, in {@link ReleaseOrder}. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        ReleaseOrder.run(ReleaseOrder.of(device::synchronize, scratch, pool, matmul, modules, device));
    }

    boolean isClosed() {
        return closed;
    }

    /** Throws when the backend was closed; {@code op} names the call refused. */
    private void checkOpen(String op) {
        if (closed) {
            throw new IllegalStateException(op + ": backend 'cuda' (" + device.name() + ") was closed");
        }
    }

    // ---------------------------------------------------------------- memory

    @Override
    public Storage allocate(int length) {
        checkOpen("allocate");
        return new CudaStorage(this, pool, device, length);
    }

    private static void checkSpan(String op, CudaStorage s, int off, int len) {
        if (off < 0 || len < 0 || (long) off + len > s.length()) {
            throw new IndexOutOfBoundsException(op + ": range [" + off + ", " + ((long) off + len)
                    + ") outside storage of length " + s.length());
        }
    }

    private static void checkArray(String op, int arrayLength, int off, int len) {
        if (off < 0 || len < 0 || (long) off + len > arrayLength) {
            throw new IndexOutOfBoundsException(op + ": range [" + off + ", " + ((long) off + len)
                    + ") outside host array of length " + arrayLength);
        }
    }

    @Override
    public void copyIn(Storage dst, int dstOff, float[] src, int srcOff, int len) {
        checkOpen("copyIn");
        device.makeCurrent();
        CudaStorage d = CudaStorage.of(dst, "copyIn");
        checkSpan("copyIn", d, dstOff, len);
        checkArray("copyIn", src.length, srcOff, len);
        if (len > 0) {
            JCudaDriver.cuMemcpyHtoD(d.pointer(dstOff), Pointer.to(src).withByteOffset(4L * srcOff), 4L * len);
        }
    }

    @Override
    public void copyOut(Storage src, int srcOff, float[] dst, int dstOff, int len) {
        checkOpen("copyOut");
        device.makeCurrent();
        CudaStorage s = CudaStorage.of(src, "copyOut");
        checkSpan("copyOut", s, srcOff, len);
        checkArray("copyOut", dst.length, dstOff, len);
        if (len > 0) {
            JCudaDriver.cuMemcpyDtoH(Pointer.to(dst).withByteOffset(4L * dstOff), s.pointer(srcOff), 4L * len);
        }
    }

    @Override
    public void copy(Storage dst, int dstOff, Storage src, int srcOff, int len) {
        checkOpen("copy");
        device.makeCurrent();
        CudaStorage d = CudaStorage.of(dst, "copy");
        CudaStorage s = CudaStorage.of(src, "copy");
        checkSpan("copy", d, dstOff, len);
        checkSpan("copy", s, srcOff, len);
        if (len == 0 || (d == s && dstOff == srcOff)) {
            return;
        }
        if (d == s && Math.abs(dstOff - srcOff) < len) {
            // Overlapping ranges of one storage: go through a temporary (memmove semantics).
            var tmp = scratch.buffer(DeviceScratch.Slot.TEMP_B, 4L * len).pointer();
            JCudaDriver.cuMemcpyDtoD(tmp, s.pointer(srcOff), 4L * len);
            JCudaDriver.cuMemcpyDtoD(d.pointer(dstOff), tmp, 4L * len);
            return;
        }
        JCudaDriver.cuMemcpyDtoD(d.pointer(dstOff), s.pointer(srcOff), 4L * len);
    }

    @Override
    public void fill(Storage dst, int off, int len, float value) {
        checkOpen("fill");
        device.makeCurrent();
        CudaStorage d = CudaStorage.of(dst, "fill");
        checkSpan("fill", d, off, len);
        if (len > 0) {
            JCudaDriver.cuMemsetD32(d.pointer(off), Float.floatToRawIntBits(value), len);
        }
    }

    @Override
    public void synchronize() {
        checkOpen("synchronize");
        device.synchronize();
    }
}
