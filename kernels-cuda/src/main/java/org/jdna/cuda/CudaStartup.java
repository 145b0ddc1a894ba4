package org.jdna.cuda;

import org.jdna.engine.backend.Backend;

/**
 * How starting the CUDA backend went (once per process, {@link CudaBackendProvider#startup()}).
 * Three outcomes, told apart because they mean different things:
 * <ul>
 *   <li>{@link Outcome#READY}: the backend runs;</li>
 *   <li>{@link Outcome#ABSENT}: there is no CUDA here (JCuda's natives or libcuda cannot load, the
 *       driver sees no device): a fact about the machine;</li>
 *   <li>{@link Outcome#BROKEN}: a driver and a device are present but the backend did not start
 *       (no PTX in the jar, a PTX the driver's JIT rejects, a forced GEMM route that cannot load, any
 *       exception while building it): a defect.</li>
 * </ul>
 * Device tests skip on ABSENT and fail on BROKEN.
 *
 * @param backend the backend when READY, else null
 * @param reason  why not, else null
 * @param cause   what was thrown, if anything
 */
public record CudaStartup(Outcome outcome, Backend backend, String reason, Throwable cause) {

    public enum Outcome { READY, ABSENT, BROKEN }

    public CudaStartup {
        if ((outcome == Outcome.READY) != (backend != null)) {
            throw new IllegalArgumentException("a CUDA startup has a backend exactly when it is READY: " + outcome);
        }
    }

    static CudaStartup ready(Backend backend) {
        return new CudaStartup(Outcome.READY, backend, null, null);
    }

    static CudaStartup absent(String reason, Throwable cause) {
        return new CudaStartup(Outcome.ABSENT, null, reason, cause);
    }

    static CudaStartup broken(String reason, Throwable cause) {
        return new CudaStartup(Outcome.BROKEN, null, reason, cause);
    }

    public boolean ready() {
        return outcome == Outcome.READY;
    }
}
