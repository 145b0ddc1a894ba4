package org.jdna.dna.train;

import org.jdna.dna.data.TokenBatcher;
import org.jdna.dna.model.ModelOutput;
import org.jdna.engine.ops.Losses;
import org.jdna.engine.tensor.Tensor;

/** The training loss: mean cross-entropy of the logits against the batch's targets (next bytes or labels). */
final class Objective {
    /**
     * Targets of this value are left out of the mean: training batches have none (every position of a window
     * has a real next byte); only the last window of a whole-split evaluation does (bytes scored before).
     */
    static final int UNSCORED = TokenBatcher.UNSCORED;

    private Objective() {}

    /** Scalar mean cross-entropy over the scored targets; logits: (B*T, V) or (B, classes). */
    static Tensor crossEntropy(ModelOutput out, TrainBatch batch) {
        return Losses.crossEntropy(out.logits(), batch.targets(), UNSCORED);
    }

    /** Targets that count (not {@link #UNSCORED}). */
    static int scored(int[] targets) {
        int n = 0;
        for (int t : targets) {
            n += t == UNSCORED ? 0 : 1;
        }
        return n;
    }

    /** Rows whose largest logit is the target (ties go to the lower class); unscored rows never count. */
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
