package org.jdna.cuda;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.BackendUnavailableException;
import org.junit.jupiter.api.Assumptions;

/** Device tests run only where the CUDA backend starts; elsewhere they are skipped with its reason. */
final class CudaAssumptions {
    private CudaAssumptions() {
    }

    /** Skips the calling test (from @BeforeEach, so every skipped test is counted and carries the reason) unless CUDA is available, naming the reason. */
    static void assumeCuda() {
        String reason = CudaBackendProvider.unavailableReason().orElse(null);
        Assumptions.assumeTrue(reason == null, () -> "CUDA backend unavailable: " + reason);
    }

    /** The backend (call after {@link #assumeCuda()}). */
    static Backend backend() {
        try {
            return CudaBackendProvider.shared();
        } catch (BackendUnavailableException e) {
            Assumptions.abort("CUDA backend unavailable: " + e.getMessage());
            throw new AssertionError("unreachable");
        }
    }
}
