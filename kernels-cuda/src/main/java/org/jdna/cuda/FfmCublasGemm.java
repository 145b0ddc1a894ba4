package org.jdna.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * cuBLAS bound through the FFM API (java.lang.foreign), for machines whose libcublas is not the
 * libcublas.so.12 that JCublas 12.6 links (CUDA 13's libcublas.so.13, PyTorch's nvidia-cublas
 * wheel). Binds cublasCreate_v2, cublasSetStream_v2, cublasSetMathMode, cublasSgemm_v2,
 * cublasSgemmStridedBatched and cublasDestroy_v2; device pointers are the raw addresses of the
 * JCuda allocations (same primary context). The math mode is CUBLAS_DEFAULT_MATH: FP32 precision, no TF32 (as in
 * {@link JCublasGemm}).
 */
final class FfmCublasGemm implements GemmRoute {
    private static final int CUBLAS_STATUS_SUCCESS = 0;
    /** cublasMath_t: at least the requested precision (FP32 for Sgemm), so never TF32. */
    private static final int CUBLAS_DEFAULT_MATH = 0;

    private final String source;
    private final MemorySegment handle;
    private final MethodHandle sgemm;
    private final MethodHandle sgemmStridedBatched;
    private final MethodHandle destroy;
    private final MemorySegment alphaCell;
    private final MemorySegment betaCell;
    private boolean destroyed;

    private FfmCublasGemm(String source, MemorySegment handle, MethodHandle sgemm, MethodHandle strided,
                          MethodHandle destroy, Arena arena) {
        this.source = source;
        this.handle = handle;
        this.sgemm = sgemm;
        this.sgemmStridedBatched = strided;
        this.destroy = destroy;
        this.alphaCell = arena.allocate(JAVA_FLOAT);
        this.betaCell = arena.allocate(JAVA_FLOAT);
    }

    /**
     * Opens {@code library}: a soname resolved by the dynamic loader ("libcublas.so.13") or a file.
     * A file's sibling libcublasLt is loaded first (wheels may lack an RPATH to it).
     */
    static FfmCublasGemm open(String library) throws Throwable {
        Arena arena = Arena.global();
        SymbolLookup lib;
        Path file = Path.of(library);
        if (file.isAbsolute()) {
            String lt = file.getFileName().toString().replace("libcublas.", "libcublasLt.");
            Path ltFile = file.resolveSibling(lt);
            if (Files.isRegularFile(ltFile)) {
                SymbolLookup.libraryLookup(ltFile, arena);
            }
            lib = SymbolLookup.libraryLookup(file, arena);
        } else {
            lib = SymbolLookup.libraryLookup(library, arena);
        }
        Linker linker = Linker.nativeLinker();
        MethodHandle create = linker.downcallHandle(symbol(lib, "cublasCreate_v2"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
        MethodHandle setStream = linker.downcallHandle(symbol(lib, "cublasSetStream_v2"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        MethodHandle setMathMode = linker.downcallHandle(symbol(lib, "cublasSetMathMode"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        MethodHandle sgemm = linker.downcallHandle(symbol(lib, "cublasSgemm_v2"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                        ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        MethodHandle strided = linker.downcallHandle(symbol(lib, "cublasSgemmStridedBatched"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                        ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_LONG,
                        ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT));
        MethodHandle destroy = linker.downcallHandle(symbol(lib, "cublasDestroy_v2"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
        MemorySegment cell = arena.allocate(ADDRESS);
        int status = (int) create.invokeExact(cell);
        if (status != CUBLAS_STATUS_SUCCESS) {
            throw new IllegalStateException("cublasCreate_v2 returned status " + status);
        }
        MemorySegment handle = cell.get(ADDRESS, 0);
        // The legacy default stream (NULL): ordered with the driver-API kernels and copies.
        String failed = null;
        status = (int) setStream.invokeExact(handle, MemorySegment.NULL);
        if (status != CUBLAS_STATUS_SUCCESS) {
            failed = "cublasSetStream_v2";
        } else {
            status = (int) setMathMode.invokeExact(handle, CUBLAS_DEFAULT_MATH);
            if (status != CUBLAS_STATUS_SUCCESS) {
                failed = "cublasSetMathMode";
            }
        }
        if (failed != null) {
            int ignored = (int) destroy.invokeExact(handle); // the handle is not handed out: destroy it here
            throw new IllegalStateException(failed + " returned status " + status);
        }
        return new FfmCublasGemm(library, handle, sgemm, strided, destroy, arena);
    }

    private static MemorySegment symbol(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException("symbol " + name + " not found"));
    }

    @Override
    public String description() {
        return "cuBLAS via FFM (" + source + ", FP32 math)";
    }

    /** cublasDestroy_v2: frees the handle's workspace in the context (so before the context goes). */
    @Override
    public synchronized void close() {
        if (destroyed) {
            return;
        }
        destroyed = true;
        int status;
        try {
            status = (int) destroy.invokeExact(handle);
        } catch (Throwable t) {
            throw new IllegalStateException("cublasDestroy_v2 failed", t);
        }
        if (status != CUBLAS_STATUS_SUCCESS) {
            throw new IllegalStateException("cublasDestroy_v2 returned status " + status);
        }
    }

    @Override
    public synchronized void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                  CudaStorage a, int aOff, int lda, int strideA,
                                  CudaStorage b, int bOff, int ldb, int strideB,
                                  float beta, CudaStorage c, int cOff, int ldc, int strideC, int batch) {
        CublasArgs<MemorySegment> x = CublasArgs.fromRowMajor(transA, transB, m, n, k,
                MemorySegment.ofAddress(a.at(aOff)), lda, strideA, MemorySegment.ofAddress(b.at(bOff)), ldb, strideB,
                MemorySegment.ofAddress(c.at(cOff)), ldc, strideC);
        alphaCell.set(JAVA_FLOAT, 0, alpha);
        betaCell.set(JAVA_FLOAT, 0, beta);
        int status;
        try {
            if (batch == 1) {
                status = (int) sgemm.invokeExact(handle, x.transa(), x.transb(), x.m(), x.n(), x.k(), alphaCell,
                        x.a(), x.lda(), x.b(), x.ldb(), betaCell, x.c(), x.ldc());
            } else {
                status = (int) sgemmStridedBatched.invokeExact(handle, x.transa(), x.transb(), x.m(), x.n(), x.k(),
                        alphaCell, x.a(), x.lda(), x.strideA(), x.b(), x.ldb(), x.strideB(), betaCell, x.c(), x.ldc(),
                        x.strideC(), batch);
            }
        } catch (Throwable t) {
            throw new IllegalStateException("gemm: cuBLAS call failed", t);
        }
        if (status != CUBLAS_STATUS_SUCCESS) {
            throw new IllegalStateException("gemm: cuBLAS returned status " + status + " for m=" + m + " n=" + n
                    + " k=" + k + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc + " batch=" + batch);
        }
    }
}
