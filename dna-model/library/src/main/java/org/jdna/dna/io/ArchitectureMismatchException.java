package org.jdna.dna.io;

import java.util.List;

/** A checkpoint made by a different architecture than the one asked for; the message names each differing field or tensor. */
public final class ArchitectureMismatchException extends RuntimeException {
    private final List<String> differences;

    public ArchitectureMismatchException(String checkpoint, List<String> differences) {
        super("checkpoint " + checkpoint + " has a different architecture: " + String.join("; ", differences));
        this.differences = List.copyOf(differences);
    }

    public List<String> differences() { return differences; }
}
