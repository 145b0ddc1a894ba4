package org.jdna.dna.train;

import java.nio.file.Path;

/**
 * Stops a run at the first NaN or infinite loss or gradient norm (or a kernel that refuses NaN inputs,
 * such as top-k over the router logits), before the optimizer step, so the
 * weights and every checkpoint on disk stay those of the last good step. The message names the
 * step, what went wrong and the checkpoint to go back to.
 */
final class DivergenceGuard {
    private final Path runDir;
    private Path lastGoodCheckpoint;

    DivergenceGuard(Path runDir, Path lastGoodCheckpoint) {
        this.runDir = runDir;
        this.lastGoodCheckpoint = lastGoodCheckpoint;
    }

    /** Records the newest checkpoint written (the one a diverged run falls back to). */
    void checkpointWritten(Path dir) {
        lastGoodCheckpoint = dir;
    }

    void checkLoss(long step, double loss, double lr) {
        if (!Double.isFinite(loss)) {
            throw diverged(step, "the loss is " + loss, lr);
        }
    }

    void checkGradNorm(long step, double norm, double loss, double lr) {
        if (!Double.isFinite(norm)) {
            throw diverged(step, "the gradient norm is " + norm + " (loss " + loss + ")", lr);
        }
    }

    /** A kernel refused non-finite values (e.g. top-k over NaN router logits) during step {@code step}. */
    TrainingDivergedException nonFiniteValues(long step, ArithmeticException e, double lr) {
        return diverged(step, "a non-finite value reached the model (" + e.getMessage() + ")", lr);
    }

    private TrainingDivergedException diverged(long step, String what, double lr) {
        String where = lastGoodCheckpoint == null
                ? "no checkpoint had been written yet"
                : "the last good checkpoint is " + lastGoodCheckpoint + " (continue from it with: jdna train --resume "
                + runDir + ", perhaps with --set train.lr=<lower>)";
        return new TrainingDivergedException(step, String.format(
                "training diverged at step %d: %s at learning rate %.3g; stopped before updating the weights, %s",
                step, what, lr, where), lastGoodCheckpoint);
    }
}
