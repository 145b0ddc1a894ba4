package org.jdna.cuda;

import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;

/**
 * cuBLAS through JCublas 12.6 (its natives link libcublas.so.12). The handle's math mode is set to
 * CUBLAS_DEFAULT_MATH, which keeps at least FP32's precision: no TF32 (10-bit mantissa) tensor-core
 * shortcut, whose 1e-3 relative error the contract's GEMM tolerance and the gradient checks reject.
 */
final class JCublasGemm implements GemmRoute {
    private final cublasHandle handle;
    private boolean destroyed;

    private JCublasGemm(cublasHandle handle) {
        this.handle = handle;
    }

    /** Loads JCublas2's natives and creates a handle; throws LinkageError when libcublas.so.12 is missing. */
    static JCublasGemm create() {
        JCublas2.setExceptionsEnabled(true);
        cublasHandle h = new cublasHandle();
        JCublas2.cublasCreate(h);
        JCublas2.cublasSetMathMode(h, cublasMath.CUBLAS_DEFAULT_MATH);
        return new JCublasGemm(h);
    }

    @Override
    public String description() {
        return "cuBLAS via JCublas " + JCublas2.class.getPackage().getImplementationVersion()
                + " (libcublas.so.12, FP32 math)";
    }

    /** cublasDestroy: frees the handle's workspace in the context (so before the context goes). */
    @Override
    public synchronized void close() {
        if (!destroyed) {
            destroyed = true;
            JCublas2.cublasDestroy(handle);
        }
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     CudaStorage a, int aOff, int lda, int strideA,
                     CudaStorage b, int bOff, int ldb, int strideB,
                     float beta, CudaStorage c, int cOff, int ldc, int strideC, int batch) {
        CublasArgs<Pointer> x = CublasArgs.fromRowMajor(transA, transB, m, n, k,
                a.pointer(aOff), lda, strideA, b.pointer(bOff), ldb, strideB, c.pointer(cOff), ldc, strideC);
        Pointer pa = Pointer.to(new float[] {alpha});
        Pointer pb = Pointer.to(new float[] {beta});
        if (batch == 1) {
            JCublas2.cublasSgemm(handle, x.transa(), x.transb(), x.m(), x.n(), x.k(), pa, x.a(), x.lda(),
                    x.b(), x.ldb(), pb, x.c(), x.ldc());
        } else {
            JCublas2.cublasSgemmStridedBatched(handle, x.transa(), x.transb(), x.m(), x.n(), x.k(), pa,
                    x.a(), x.lda(), x.strideA(), x.b(), x.ldb(), x.strideB(), pb, x.c(), x.ldc(), x.strideC(), batch);
        }
    }
}
