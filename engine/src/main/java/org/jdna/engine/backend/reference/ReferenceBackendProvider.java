package org.jdna.engine.backend.reference;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.BackendProvider;

/** Registers the scalar reference backend (always available). */
public final class ReferenceBackendProvider implements BackendProvider {
    @Override public String name() { return "reference"; }
    @Override public int priority() { return 0; }
    @Override public Backend create() { return ReferenceBackend.INSTANCE; }
}
