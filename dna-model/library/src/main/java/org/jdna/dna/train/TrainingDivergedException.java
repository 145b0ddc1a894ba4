package org.jdna.dna.train;

import java.nio.file.Path;

/** A run stopped because its loss or gradient norm stopped being finite; the message names the step and the checkpoint to use. */
public final class TrainingDivergedException extends RuntimeException {
    private final long step;
    private final transient Path lastGoodCheckpoint;

    public TrainingDivergedException(long step, String message, Path lastGoodCheckpoint) {
        super(message);
        this.step = step;
        this.lastGoodCheckpoint = lastGoodCheckpoint;
    }

    /** The step whose loss or gradient was not finite. */
    public long step() { return step; }

    /** The newest checkpoint written before it, or null when none was. */
    public Path lastGoodCheckpoint() { return lastGoodCheckpoint; }
}
