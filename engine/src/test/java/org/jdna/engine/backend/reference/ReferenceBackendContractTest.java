package org.jdna.engine.backend.reference;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.contract.BackendContract;

/**
 * The reference against itself: trivially exact, but it runs every contract body (so the suite
 * itself compiles, terminates and rejects bad indices) before any fast backend relies on it.
 */
class ReferenceBackendContractTest extends BackendContract {
    @Override
    protected Backend backend() {
        return ReferenceBackend.INSTANCE;
    }
}
