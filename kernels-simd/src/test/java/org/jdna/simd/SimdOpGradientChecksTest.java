package org.jdna.simd;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.gradcheck.OpGradientChecks;

/** Finite-difference gradient checks of every differentiable op, run on the SIMD backend (2 threads). */
class SimdOpGradientChecksTest extends OpGradientChecks {
    private static final SimdBackend BACKEND = new SimdBackend(2);

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
