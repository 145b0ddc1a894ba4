package org.jdna.cuda;

import org.jdna.engine.backend.Backend;
import org.junit.jupiter.api.Assumptions;
import org.opentest4j.AssertionFailedError;

/**
 * Device tests run where the CUDA backend starts. Where there is no CUDA at all they are skipped
 * with the reason; where a driver and a device are present but the backend fails to start they
 * FAIL (a skip would hide a broken backend). {@code -Djdna.cuda.required=true} (or
 * JDNA_CUDA_REQUIRED=1, set by benchmarks/gpu-check.sh) turns the skip into a failure too.
 */
final class CudaAssumptions {
    private CudaAssumptions() {
    }

    /** Call from @BeforeEach, so that every skipped or failed test carries the reason. */
    static void assumeCuda() {
        verdict(CudaBackendProvider.startup(), required());
    }

    static boolean required() {
        return Boolean.getBoolean("jdna.cuda.required") || "1".equals(System.getenv("JDNA_CUDA_REQUIRED"));
    }

    /** Returns when the backend is ready; skips (absent, not required) or fails (broken, or absent but required). */
    static void verdict(CudaStartup startup, boolean required) {
        switch (startup.outcome()) {
            case READY -> {
            }
            case ABSENT -> {
                if (required) {
                    throw new AssertionFailedError("CUDA is required here (jdna.cuda.required) but unavailable: "
                            + startup.reason(), startup.cause());
                }
                Assumptions.abort("CUDA backend unavailable: " + startup.reason());
            }
            case BROKEN -> throw new AssertionFailedError("a CUDA device is present but the backend does not work: "
                    + startup.reason(), startup.cause());
        }
    }

    /** The backend (after {@link #assumeCuda()}). */
    static Backend backend() {
        CudaStartup s = CudaBackendProvider.startup();
        verdict(s, required());
        return s.backend();
    }

    /** The CUDA backend itself, for tests of what only it has (GEMM routes, allocation counts). */
    static CudaBackend cuda() {
        return (CudaBackend) backend();
    }
}
