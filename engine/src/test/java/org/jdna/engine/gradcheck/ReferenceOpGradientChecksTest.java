package org.jdna.engine.gradcheck;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.reference.ReferenceBackend;

/** The gradient checks on the reference backend (the specification). */
class ReferenceOpGradientChecksTest extends OpGradientChecks {
    @Override
    protected Backend backend() {
        return ReferenceBackend.INSTANCE;
    }
}
