package org.jdna.dna.sweep;

/**
 * A sweep's Spark context was shut down while its runs trained: the process is stopping (Ctrl-C, {@code kill}), and
 * Spark's own shutdown hook cancels the job before anything else can. What the user needs then is one line saying
 * so and how to go on, not Spark's "Job cancelled because SparkContext was shut down" and its stack trace.
 */
public final class SweepStoppedException extends RuntimeException {
    SweepStoppedException(Throwable cause) {
        super("the sweep stopped before its runs finished: the process is shutting down (a signal such as Ctrl-C or"
                + " kill stopped Spark's context). Every run keeps the checkpoints it had written: jdna compare"
                + " --resume continues each from its newest, jdna train --resume RUN_DIR one run", cause);
    }
}
