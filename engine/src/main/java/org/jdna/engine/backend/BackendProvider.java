package org.jdna.engine.backend;

/**
 * Found by {@link java.util.ServiceLoader}: one per backend module, listed in
 * {@code META-INF/services/org.jdna.engine.backend.BackendProvider}. The engine never names a
 * backend class, so it compiles and runs without any of them.
 */
public interface BackendProvider {

    /** Short name used to select the backend: "reference", "simd", "cuda". */
    String name();

    /** Higher wins when no backend is named. Reference = 0, SIMD = 100; GPU backends are never picked implicitly (-1). */
    int priority();

    /**
     * Creates the backend with {@code settings} (threads, device) or says precisely why it cannot run
     * on this machine. Each call may build a new backend; {@link Backends} keeps one per settings.
     */
    Backend create(BackendSettings settings) throws BackendUnavailableException;
}
