package org.jdna.dna.train;

/**
 * Mean held-out loss over the fixed evaluation batches.
 *
 * @param loss     mean cross-entropy per target (nats)
 * @param accuracy fraction of targets the top logit predicts (next byte, or image label)
 * @param targets  targets counted
 */
public record EvalResult(double loss, double accuracy, long targets) {
    /** Language loss in bits per byte (loss / ln 2). */
    public double bitsPerByte() {
        return loss / Math.log(2);
    }
}
