package org.jdna.dna.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.Arrays;

import org.jdna.dna.data.SyntheticText;
import org.jdna.dna.data.TextCorpus;
import org.junit.jupiter.api.Test;

class TaskDataTest {
    private static final TextCorpus CORPUS = SyntheticText.generate(20_000, 0.1);

    private static TaskData data(long seed) {
        return TaskData.text(TinyRuns.config(Path.of("unused"), 1, "train.seed=" + seed), CORPUS);
    }

    @Test
    void heldOutBatchesAreFixedAndIndependentOfTheTrainingSeed() {
        TaskData a = data(1);
        TaskData b = data(2);
        assertEquals(2, a.evalBatches().size());
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(a.evalBatches().get(i).targets(), b.evalBatches().get(i).targets());
        }
        assertFalse(Arrays.equals(a.nextTrain().targets(), b.nextTrain().targets()), "training batches follow the seed");
    }

    @Test
    void theTrainingStreamResumesFromItsState() {
        TaskData a = data(1);
        a.nextTrain();
        long[] state = a.state();
        int[] want = a.nextTrain().targets();
        TaskData b = data(1);
        b.restore(state);
        assertArrayEquals(want, b.nextTrain().targets());
    }
}
