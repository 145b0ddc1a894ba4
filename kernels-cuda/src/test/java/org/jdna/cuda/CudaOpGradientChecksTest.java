package org.jdna.cuda;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.gradcheck.OpGradientChecks;
import org.junit.jupiter.api.BeforeEach;

/** The finite-difference gradient checks of every op, run on the CUDA backend (skipped without CUDA). */
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
