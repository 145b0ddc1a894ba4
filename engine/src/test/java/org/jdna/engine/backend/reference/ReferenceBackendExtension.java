package org.jdna.engine.backend.reference;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Backends;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs each test on the reference backend (the specification) and restores the previous one:
 * {@code @ExtendWith(ReferenceBackendExtension.class)}. In engine's test-jar, so every module's tests
 * use this one.
 */
public final class ReferenceBackendExtension implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ReferenceBackendExtension.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("previous", Backends.current());
        Backends.use(ReferenceBackend.INSTANCE);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Backends.use(context.getStore(NS).get("previous", Backend.class));
    }
}
