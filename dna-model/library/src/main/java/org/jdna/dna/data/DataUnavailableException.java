package org.jdna.dna.data;

/** A real data set could not be fetched or read (no npm, no network, a malformed file); the message says why. */
public final class DataUnavailableException extends RuntimeException {
    public DataUnavailableException(String message) {
        super(message);
    }

    public DataUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
