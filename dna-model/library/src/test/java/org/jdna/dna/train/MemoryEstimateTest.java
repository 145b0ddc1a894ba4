package org.jdna.dna.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.jdna.dna.config.RunConfig;
import org.jdna.dna.config.TrainConfig;
import org.jdna.dna.model.DnaModel;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Backends;
import org.junit.jupiter.api.Test;

/** The memory estimate of `jdna info`: exact for parameters and AdamW state, close for a step at a larger batch. */
class MemoryEstimateTest {

    @Test
    void theEstimateAtALargerBatchIsCloseToTheMeasuredStep() {
        RunConfig config = TinyRuns.config(Path.of("unused"), 1);
        Backend previous = Backends.current();
        Backend backend = Backends.use("reference");
        try {
            MemoryEstimate e = MemoryEstimate.measure(config, 8, backend);
            long params = new DnaModel(config.model(), config.train().seed()).numParameters();
            assertEquals(4 * params, e.parameterBytes());
            assertEquals(8 * params, e.optimizerBytes());
            long measured = MemoryEstimate.measureStep(config, 8, backend);
            assertTrue(measured > 0, "a step takes memory");
            double ratio = (double) e.stepBytes() / measured;
            assertTrue(ratio > 0.7 && ratio < 1.4, "estimated " + e.stepBytes() + " B, measured " + measured + " B");
            assertTrue(e.stepBytes() > MemoryEstimate.measure(config, 2, backend).stepBytes(), "grows with the batch");
            // 4 micro-batches of 2 rows: the activations of 2 rows, plus the summed gradients
            RunConfig sharded = config.withTrain(config.train().with(TrainConfig.MICRO_BATCHES, 4));
            MemoryEstimate s = MemoryEstimate.measure(sharded, 8, backend);
            assertEquals(2, s.shardRows());
            assertEquals(MemoryEstimate.measure(config, 2, backend).stepBytes() + 4 * params, s.stepBytes());
        } finally {
            Backends.use(previous);
        }
    }
}
