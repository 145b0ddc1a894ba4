package org.jdna.cuda;

import org.jdna.engine.backend.BackendUnavailableException;
import org.jdna.engine.backend.MatmulKernels;
import org.jdna.engine.backend.Storage;

/**
 * GEMM on the device: the route chosen once at start-up ({@link GemmRoutes}: cuBLAS through JCublas
 * or through the FFM API, else the built-in kernel), and the built-in kernel whenever k == 0, where
 * the product is C = beta * C (cuBLAS would also do it; the kernel's meaning is unambiguous).
 */
final class CudaMatmul implements MatmulKernels, AutoCloseable {
    private final GemmRoute route;
    private final GemmRoute kernel;
    private final String description;

    /** Needs the PTX modules loaded (the built-in kernel's). */
    CudaMatmul(KernelRunner runner, String gemmMode) throws BackendUnavailableException {
        this.kernel = new KernelGemm(runner);
        GemmRoutes.Selection selection = GemmRoutes.select(runner, gemmMode);
        this.route = selection.route();
        this.description = route.description() + (selection.reasons().isEmpty() ? ""
                : " (passed over: " + String.join("; ", selection.reasons()) + ")");
    }

    /** The route in use, for benchmarks and reports. */
    String route() {
        return route.description();
    }

    /** The route in use and the reasons the routes before it were passed over. */
    String description() {
        return description;
    }

    /** Destroys the route's cuBLAS handle (the built-in kernel holds none). */
    @Override
    public void close() {
        route.close();
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     Storage a, int aOff, int lda, int strideA,
                     Storage b, int bOff, int ldb, int strideB,
                     float beta, Storage c, int cOff, int ldc, int strideC, int batch) {
        if (m == 0 || n == 0 || batch == 0) {
            return;
        }
        CudaStorage sa = CudaStorage.of(a, "gemm"), sb = CudaStorage.of(b, "gemm"), sc = CudaStorage.of(c, "gemm");
        (k == 0 ? kernel : route).gemm(transA, transB, m, n, k, alpha, sa, aOff, lda, strideA, sb, bOff, ldb, strideB,
                beta, sc, cOff, ldc, strideC, batch);
    }
}
