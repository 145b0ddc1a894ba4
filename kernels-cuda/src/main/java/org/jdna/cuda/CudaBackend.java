package org.jdna.cuda;

import java.util.List;

import jcuda.Pointer;
import jcuda.driver.JCudaDriver;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.BackendUnavailableException;
import org.jdna.engine.backend.BinaryOp;
import org.jdna.engine.backend.ReduceOp;
import org.jdna.engine.backend.Storage;
import org.jdna.engine.backend.UnaryOp;
import org.jdna.engine.memory.MemoryStats;

/**
 * The CUDA backend: device-resident storages, kernels from the PTX built out of src/main/cuda,
 * GEMM through cuBLAS when one loads. All work goes to the default stream in issue order; host
 * reads ({@link #copyOut}, {@link #sumOfSquares}, {@link #topk}'s indices) wait for it. Primitives
 * allocate no device storage: temporaries live in {@link DeviceScratch}'s reused buffers (the
 * packed attention pair reads and writes its q | k | v blocks in place).
 * Use from one thread at a time (like a CUDA stream).
 *
 * <p>Created by {@link CudaBackendProvider} ("cuda"), never picked implicitly.
 */
public final class CudaBackend implements Backend {
    private final CudaDevice device;
    private final PtxModules modules;
    private final DeviceScratch scratch;
    private final KernelRunner runner;
    private final GemmRoute gemm;
    private final KernelGemm kernelGemm;
    private final List<String> gemmReasons;
    private final ElementwiseKernels elementwise;
    private final ReductionKernels reductions;
    private final NormalizationKernels normalization;
    private final IndexingKernels indexing;
    private final AttentionKernels attention;
    private final RoutingKernels routing;
    private final OptimizerKernels optimizer;

    CudaBackend(CudaDevice device, String arch, String gemmMode) throws BackendUnavailableException {
        this.device = device;
        this.modules = new PtxModules(CudaBackend.class.getClassLoader(), arch);
        this.scratch = new DeviceScratch(device);
        this.runner = new KernelRunner(device, modules);
        modules.loadAll();
        this.kernelGemm = new KernelGemm(runner);
        GemmRoutes.Selection selection = GemmRoutes.select(runner, gemmMode);
        this.gemm = selection.route();
        this.gemmReasons = selection.reasons();
        this.elementwise = new ElementwiseKernels(runner, scratch);
        this.reductions = new ReductionKernels(runner, scratch);
        this.normalization = new NormalizationKernels(runner, scratch);
        this.indexing = new IndexingKernels(runner, scratch);
        this.attention = new AttentionKernels(runner, scratch);
        this.routing = new RoutingKernels(runner, scratch);
        this.optimizer = new OptimizerKernels(runner, scratch);
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String description() {
        return "cuda: " + device + ", PTX " + modules.arch() + ", GEMM: " + gemm.description()
                + (gemmReasons.isEmpty() ? "" : " (passed over: " + String.join("; ", gemmReasons) + ")");
    }

    /** The GEMM route in use (for benchmarks and reports). */
    public String gemmRoute() {
        return gemm.description();
    }

    /**
     * The GEMM route {@code mode} (jcublas, ffm, kernel) on this backend's device, built anew, or the
     * reason it cannot load here: for tests that check every route, not only the one in use.
     */
    GemmRoute gemmRoute(String mode) throws BackendUnavailableException {
        device.makeCurrent();
        return GemmRoutes.select(runner, mode).route();
    }

    public CudaDevice device() {
        return device;
    }

    @Override
    public MemoryStats memoryStats() {
        return CudaMemory.pool(device).stats();
    }

    @Override
    public void releaseCachedMemory() {
        CudaMemory.pool(device).releaseCached();
    }

    @Override
    public void resetMemoryPeak() {
        CudaMemory.pool(device).resetPeak();
    }

    // ---------------------------------------------------------------- memory

    @Override
    public Storage allocate(int length) {
        return new CudaStorage(this, device, length);
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
        device.makeCurrent();
        CudaStorage d = CudaStorage.of(dst, "fill");
        checkSpan("fill", d, off, len);
        if (len > 0) {
            JCudaDriver.cuMemsetD32(d.pointer(off), Float.floatToRawIntBits(value), len);
        }
    }

    @Override
    public void synchronize() {
        device.synchronize();
    }

    // ---------------------------------------------------------------- layout and elementwise

    @Override
    public void copyStrided(Storage dst, Storage src, int srcOff, int[] shape, int[] srcStrides) {
        device.makeCurrent();
        elementwise.copyStrided(dst, src, srcOff, shape, srcStrides);
    }

    @Override
    public void unary(UnaryOp op, Storage out, Storage x, int n, float alpha) {
        device.makeCurrent();
        elementwise.unary(op, out, x, n, alpha);
    }

    @Override
    public void unaryBackward(UnaryOp op, Storage dx, Storage dout, Storage x, int n, float alpha) {
        device.makeCurrent();
        elementwise.unaryBackward(op, dx, dout, x, n, alpha);
    }

    @Override
    public void binary(BinaryOp op, Storage out, int[] shape, Storage a, int[] aStrides, Storage b, int[] bStrides) {
        device.makeCurrent();
        elementwise.binary(op, out, shape, a, aStrides, b, bStrides);
    }

    @Override
    public void where(Storage out, Storage mask, Storage a, Storage b, int n) {
        device.makeCurrent();
        elementwise.where(out, mask, a, b, n);
    }

    @Override
    public void addScaled(Storage y, int yOff, Storage x, int xOff, int n, float alpha) {
        device.makeCurrent();
        elementwise.addScaled(y, yOff, x, xOff, n, alpha);
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public void reduce(ReduceOp op, Storage out, Storage x, int outer, int len, int inner) {
        device.makeCurrent();
        reductions.reduce(op, out, x, outer, len, inner);
    }

    @Override
    public double sumOfSquares(Storage x, int off, int n) {
        device.makeCurrent();
        return reductions.sumOfSquares(x, off, n);
    }

    // ---------------------------------------------------------------- matrix multiply

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     Storage a, int aOff, int lda, int strideA,
                     Storage b, int bOff, int ldb, int strideB,
                     float beta, Storage c, int cOff, int ldc, int strideC, int batch) {
        device.makeCurrent();
        if (m == 0 || n == 0 || batch == 0) {
            return;
        }
        CudaStorage sa = CudaStorage.of(a, "gemm"), sb = CudaStorage.of(b, "gemm"), sc = CudaStorage.of(c, "gemm");
        // k == 0 is C = beta * C (cuBLAS would also do it; the kernel's meaning is unambiguous).
        GemmRoute route = k == 0 ? kernelGemm : gemm;
        route.gemm(transA, transB, m, n, k, alpha, sa, aOff, lda, strideA, sb, bOff, ldb, strideB,
                beta, sc, cOff, ldc, strideC, batch);
    }

    // ---------------------------------------------------------------- softmax, normalization, losses

    @Override
    public void softmax(Storage out, Storage x, int rows, int cols, boolean log) {
        device.makeCurrent();
        normalization.softmax(out, x, rows, cols, log);
    }

    @Override
    public void softmaxBackward(Storage dx, Storage dout, Storage out, int rows, int cols, boolean log) {
        device.makeCurrent();
        normalization.softmaxBackward(dx, dout, out, rows, cols, log);
    }

    @Override
    public void layerNorm(Storage out, Storage mean, Storage rstd, Storage x, Storage w, Storage b,
                          int rows, int cols, float eps) {
        device.makeCurrent();
        normalization.layerNorm(out, mean, rstd, x, w, b, rows, cols, eps);
    }

    @Override
    public void layerNormBackward(Storage dx, Storage dw, Storage db, Storage dout, Storage x, Storage w,
                                  Storage mean, Storage rstd, int rows, int cols) {
        device.makeCurrent();
        normalization.layerNormBackward(dx, dw, db, dout, x, w, mean, rstd, rows, cols);
    }

    @Override
    public void rmsNorm(Storage out, Storage rstd, Storage x, Storage w, int rows, int cols, float eps) {
        device.makeCurrent();
        normalization.rmsNorm(out, rstd, x, w, rows, cols, eps);
    }

    @Override
    public void rmsNormBackward(Storage dx, Storage dw, Storage dout, Storage x, Storage w, Storage rstd,
                                int rows, int cols) {
        device.makeCurrent();
        normalization.rmsNormBackward(dx, dw, dout, x, w, rstd, rows, cols);
    }

    @Override
    public void crossEntropy(Storage losses, Storage logits, int[] targets, int rows, int cols, int ignoreIndex) {
        device.makeCurrent();
        normalization.crossEntropy(losses, logits, targets, rows, cols, ignoreIndex);
    }

    @Override
    public void crossEntropyBackward(Storage dlogits, Storage dlosses, Storage logits, int[] targets,
                                     int rows, int cols, int ignoreIndex) {
        device.makeCurrent();
        normalization.crossEntropyBackward(dlogits, dlosses, logits, targets, rows, cols, ignoreIndex);
    }

    // ---------------------------------------------------------------- indexing

    @Override
    public void indexSelectRows(Storage out, Storage src, int[] rows, int count, int width) {
        device.makeCurrent();
        indexing.indexSelectRows(out, src, rows, count, width);
    }

    @Override
    public void indexAddRows(Storage dst, Storage src, int[] rows, int count, int width) {
        device.makeCurrent();
        indexing.indexAddRows(dst, src, rows, count, width);
    }

    @Override
    public void gather(Storage out, Storage x, int[] idx, int outer, int len, int inner, int idxLen) {
        device.makeCurrent();
        indexing.gather(out, x, idx, outer, len, inner, idxLen);
    }

    @Override
    public void scatterAdd(Storage dx, Storage dout, int[] idx, int outer, int len, int inner, int idxLen) {
        device.makeCurrent();
        indexing.scatterAdd(dx, dout, idx, outer, len, inner, idxLen);
    }

    // ---------------------------------------------------------------- attention

    @Override
    public void attention(Storage out, Storage lse, Storage q, Storage k, Storage v, int[] segments, int heads,
                          int headDim, boolean causal, Storage mask, int maskSegmentStride, float scale) {
        device.makeCurrent();
        attention.attention(out, lse, q, k, v, segments, heads, headDim, causal, mask, maskSegmentStride, scale);
    }

    @Override
    public void attentionPacked(Storage out, Storage lse, Storage qkv, int[] segments, int heads, int headDim,
                                boolean causal, Storage mask, int maskSegmentStride, float scale) {
        device.makeCurrent();
        attention.attentionPacked(out, lse, qkv, segments, heads, headDim, causal, mask, maskSegmentStride, scale);
    }

    @Override
    public void attentionBackward(Storage dq, Storage dk, Storage dv, Storage dout, Storage q, Storage k, Storage v,
                                  Storage out, Storage lse, int[] segments, int heads, int headDim, boolean causal,
                                  Storage mask, int maskSegmentStride, float scale) {
        device.makeCurrent();
        attention.attentionBackward(dq, dk, dv, dout, q, k, v, out, lse, segments, heads, headDim, causal, mask,
                maskSegmentStride, scale);
    }

    @Override
    public void attentionPackedBackward(Storage dqkv, Storage dout, Storage qkv, Storage out, Storage lse,
                                        int[] segments, int heads, int headDim, boolean causal, Storage mask,
                                        int maskSegmentStride, float scale) {
        device.makeCurrent();
        attention.attentionPackedBackward(dqkv, dout, qkv, out, lse, segments, heads, headDim, causal, mask,
                maskSegmentStride, scale);
    }

    // ---------------------------------------------------------------- optimizer and routing

    @Override
    public void adamw(Storage p, Storage m, Storage v, Storage g, int n, float lr, float beta1, float beta2,
                      float eps, float weightDecay, int step) {
        device.makeCurrent();
        optimizer.adamw(p, m, v, g, n, lr, beta1, beta2, eps, weightDecay, step);
    }

    @Override
    public void topk(int[] indices, Storage weights, Storage probs, Storage logits, float[] bias, int rows,
                     int experts, int k, boolean renormalize) {
        device.makeCurrent();
        routing.topk(indices, weights, probs, logits, bias, rows, experts, k, renormalize);
    }

    @Override
    public void topkBackward(Storage dlogits, Storage dweights, Storage probs, int[] indices, int rows, int experts,
                             int k, boolean renormalize) {
        device.makeCurrent();
        routing.topkBackward(dlogits, dweights, probs, indices, rows, experts, k, renormalize);
    }

    @Override
    public void combine(Storage out, Storage y, Storage weights, int[] slotRows, int tokens, int k, int width) {
        device.makeCurrent();
        routing.combine(out, y, weights, slotRows, tokens, k, width);
    }

    @Override
    public void combineBackward(Storage dy, Storage dweights, Storage dout, Storage y, Storage weights,
                                int[] slotRows, int tokens, int k, int width) {
        device.makeCurrent();
        routing.combineBackward(dy, dweights, dout, y, weights, slotRows, tokens, k, width);
    }
}
