package org.jdna.engine.backend;

/**
 * What a caller asks of a backend when it is created, passed as values through
 * {@link BackendProvider#create(BackendSettings)} (never relayed through system properties).
 *
 * @param threads CPU threads of a multi-threaded backend; 0 = the backend's default (the SIMD
 *                backend: {@code -Djdna.threads} when the user set it, else every available core).
 *                Single-threaded backends ignore it
 * @param device  GPU ordinal of a GPU backend; CPU backends ignore it
 */
public record BackendSettings(int threads, int device) {
    /** Each backend's own defaults: threads 0, device 0. */
    public static final BackendSettings DEFAULTS = new BackendSettings(0, 0);

    public BackendSettings {
        if (threads < 0) {
            throw new IllegalArgumentException("backend threads must be >= 0 (0 = the backend's default), got "
                    + threads);
        }
        if (device < 0) {
            throw new IllegalArgumentException("backend device must be >= 0, got " + device);
        }
    }

    /** The defaults with {@code threads} CPU threads. */
    public static BackendSettings threads(int threads) {
        return new BackendSettings(threads, 0);
    }
}
