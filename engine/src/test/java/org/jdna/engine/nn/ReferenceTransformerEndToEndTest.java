package org.jdna.engine.nn;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.reference.ReferenceBackend;
import org.jdna.engine.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The end-to-end check of the reference against itself (plumbing), and a proof that it can fail. */
class ReferenceTransformerEndToEndTest extends TransformerEndToEndCheck {

    @Override
    protected Backend backend() {
        return ReferenceBackend.INSTANCE;
    }

    @Test
    void aPerturbedWeightIsCaught() {
        assertThrows(AssertionFailedError.class,
                () -> compareLossAndGradients(denseBatch(new Rng(1), 2, CONFIG.context()), 1e-2f));
    }
}
