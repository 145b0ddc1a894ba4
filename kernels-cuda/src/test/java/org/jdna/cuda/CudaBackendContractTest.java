package org.jdna.cuda;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.contract.BackendContract;
import org.junit.jupiter.api.BeforeEach;

/** The shared contract suite on the CUDA backend; skipped with the reason where CUDA is unavailable. */
class CudaBackendContractTest extends BackendContract {
    @BeforeEach
    void requireCuda() {
        CudaAssumptions.assumeCuda();
    }

    @Override
    protected Backend backend() {
        return CudaAssumptions.backend();
    }
}
