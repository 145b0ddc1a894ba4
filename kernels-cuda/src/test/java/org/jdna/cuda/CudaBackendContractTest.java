package org.jdna.cuda;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.contract.BackendContract;
import org.junit.jupiter.api.BeforeAll;

/** The shared contract suite on the CUDA backend; skipped with the reason where CUDA is unavailable. */
class CudaBackendContractTest extends BackendContract {
    @BeforeAll
    static void requireCuda() {
        CudaAssumptions.assumeCuda();
    }

    @Override
    protected Backend backend() {
        return CudaAssumptions.backend();
    }
}
