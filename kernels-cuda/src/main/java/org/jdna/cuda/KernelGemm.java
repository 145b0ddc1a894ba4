package org.jdna.cuda;

/** The built-in tiled SGEMM kernel (gemm.cu): the route of last resort, and of k == 0. */
final class KernelGemm implements GemmRoute {
    private final KernelRunner runner;

    KernelGemm(KernelRunner runner) {
        this.runner = runner;
    }

    @Override
    public String description() {
        return "built-in tiled SGEMM kernel (gemm.cu)";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     CudaStorage a, int aOff, int lda, int strideA,
                     CudaStorage b, int bOff, int ldb, int strideB,
                     float beta, CudaStorage c, int cOff, int ldc, int strideC, int batch) {
        for (int b0 = 0; b0 < batch; b0 += LaunchConfig.MAX_GRID_YZ) {
            int chunk = Math.min(LaunchConfig.MAX_GRID_YZ, batch - b0);
            runner.launch("gemm", "gemm_tiled_f32", Launch.gemmTiles(m, n, chunk), KernelArgs.of()
                    .i(transA ? 1 : 0).i(transB ? 1 : 0).i(m).i(n).i(k).f(alpha)
                    .ptr(a.at(aOff) + 4L * b0 * strideA).i(lda).l(strideA)
                    .ptr(b.at(bOff) + 4L * b0 * strideB).i(ldb).l(strideB)
                    .f(beta).ptr(c.at(cOff) + 4L * b0 * strideC).i(ldc).l(strideC));
        }
    }
}
