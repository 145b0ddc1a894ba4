package org.jdna.cuda;

/**
 * One way of running the SPI's batched row-major SGEMM on the device: cuBLAS through JCublas,
 * cuBLAS bound through the FFM API, or the built-in tiled kernel. Arguments as in
 * {@link org.jdna.engine.backend.MatmulKernels#gemm}, with the storages already unwrapped.
 */
interface GemmRoute extends AutoCloseable {

    /** For logs and the backend's description: which library, from where. */
    String description();

    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              CudaStorage a, int aOff, int lda, int strideA,
              CudaStorage b, int bOff, int ldb, int strideB,
              float beta, CudaStorage c, int cOff, int ldc, int strideC, int batch);

    /** Destroys the route's library handle, if it has one (the built-in kernel has none). */
    @Override
    default void close() {
    }
}
