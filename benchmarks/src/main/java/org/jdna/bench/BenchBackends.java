package org.jdna.bench;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.BackendSettings;
import org.jdna.engine.backend.Backends;

/**
 * Makes the backend a benchmark measures: a new one, with exactly {@code threads} threads, that the
 * benchmark closes. Default: the SIMD backend with the preferred vector species (or
 * {@code -Djdna.simd.bits=...}, which fixes the species of the whole JVM).
 * {@code -Djdna.bench.backend=reference} (or any provider name) measures that backend instead;
 * single-threaded backends ignore the thread count, which is then only a label.
 */
public final class BenchBackends {
    /** System property naming the backend to measure. */
    public static final String PROPERTY = "jdna.bench.backend";

    private BenchBackends() {
    }

    public static Backend create(int threads) {
        return Backends.create(System.getProperty(PROPERTY, "simd"), BackendSettings.threads(threads));
    }

    /** Frees what the backend holds (the SIMD backend's worker pool). */
    public static void close(Backend backend) throws Exception {
        if (backend instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
