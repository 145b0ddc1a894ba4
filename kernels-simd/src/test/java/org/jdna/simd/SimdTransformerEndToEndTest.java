package org.jdna.simd;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.nn.TransformerEndToEndCheck;

/**
 * A 2-layer transformer's loss, every parameter gradient and a short AdamW trajectory on the SIMD
 * backend (2 threads) against the reference, with the shared tolerances.
 */
class SimdTransformerEndToEndTest extends TransformerEndToEndCheck {
    private static final SimdBackend BACKEND = new SimdBackend(2);

    @Override
    protected Backend backend() {
        return BACKEND;
    }
}
