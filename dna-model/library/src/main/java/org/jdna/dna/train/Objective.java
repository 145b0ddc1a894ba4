package org.jdna.dna.train;

import org.jdna.dna.model.ModelOutput;
import org.jdna.engine.ops.Losses;
import org.jdna.engine.tensor.Tensor;

/** The training loss: mean cross-entropy of the logits against the batch's targets (next bytes or labels). */
final class Objective {
    /** No target is ignored: every position of a window has a real next byte. */
    static final int IGNORE_NONE = -1;

    private Objective() {}

    /** Scalar mean cross-entropy; logits: (B*T, V) or (B, classes). */
    static Tensor crossEntropy(ModelOutput out, TrainBatch batch) {
        return Losses.crossEntropy(out.logits(), batch.targets(), IGNORE_NONE);
    }

    /** Rows whose largest logit is the target (ties go to the lower class). */
    static int correct(Tensor logits, int[] targets) {
        float[] l = logits.toArray();
        int classes = logits.dim(-1);
        int hits = 0;
        for (int r = 0; r < targets.length; r++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (l[r * classes + c] > l[r * classes + best]) {
                    best = c;
                }
            }
            if (best == targets[r]) {
                hits++;
            }
        }
        return hits;
    }
}
