package org.jdna.simd;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.BackendProvider;
import org.jdna.engine.backend.BackendSettings;
import org.jdna.engine.backend.BackendUnavailableException;

/**
 * Registers the Vector API backend as "simd", above the reference (priority 100 vs 0), so that
 * {@code Backends.current()} picks it whenever kernels-simd is on the class path and no
 * {@code jdna.backend} is named. The thread count comes with the settings; 0 takes
 * {@link SimdConfig#defaultThreads()}.
 */
public final class SimdBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "simd";
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Backend create(BackendSettings settings) throws BackendUnavailableException {
        try {
            return new SimdBackend(settings.threads() > 0 ? settings.threads() : SimdConfig.defaultThreads());
        } catch (ExceptionInInitializerError | NoClassDefFoundError e) {
            throw new BackendUnavailableException("the Vector API is not usable (start the JVM with "
                    + "--add-modules jdk.incubator.vector, and check -Djdna.simd.bits): " + e, e);
        } catch (IllegalArgumentException e) {
            throw new BackendUnavailableException(e.getMessage(), e);
        }
    }
}
