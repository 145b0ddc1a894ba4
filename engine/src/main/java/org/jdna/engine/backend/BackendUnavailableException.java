package org.jdna.engine.backend;

/** A backend cannot run here; the message says why ("no CUDA device", "libcublas.so.12 not found"). */
public final class BackendUnavailableException extends Exception {
    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
