package org.jdna.dna.io;

/** A checkpoint or tensor file that is truncated, corrupt, incomplete or not ours; the message names the file and the problem. */
public final class CorruptCheckpointException extends RuntimeException {
    public CorruptCheckpointException(String message) {
        super(message);
    }

    public CorruptCheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
