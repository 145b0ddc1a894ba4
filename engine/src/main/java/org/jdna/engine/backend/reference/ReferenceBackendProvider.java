package org.jdna.engine.backend.reference;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.BackendProvider;
import org.jdna.engine.backend.BackendSettings;

/** Registers the scalar reference backend (always available; single-threaded, so the settings do not apply). */
public final class ReferenceBackendProvider implements BackendProvider {
    @Override public String name() { return "reference"; }
    @Override public int priority() { return 0; }
    @Override public Backend create(BackendSettings settings) { return ReferenceBackend.INSTANCE; }
}
