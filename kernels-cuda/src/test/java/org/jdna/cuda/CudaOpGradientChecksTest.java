package org.jdna.cuda;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.gradcheck.OpGradientChecks;
import org.junit.jupiter.api.BeforeEach;

/**
 * The finite-difference gradient checks of every op, run on the CUDA backend (skipped without CUDA),
 * under the reference's tolerances (no {@code toleranceScale()}): every GEMM route multiplies in FP32
 * (cuBLAS handles set to CUBLAS_DEFAULT_MATH, never TF32; CudaGemmRoutesTest checks it), and the other
 * kernels accumulate in float or double as the SIMD backend does, which passes at scale 1.
 */
class CudaOpGradientChecksTest extends OpGradientChecks {
    @BeforeEach
    void requireCuda() {
        CudaAssumptions.assumeCuda();
    }

    @Override
    protected Backend backend() {
        return CudaAssumptions.backend();
    }
}
