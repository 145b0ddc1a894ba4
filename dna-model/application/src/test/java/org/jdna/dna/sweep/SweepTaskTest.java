package org.jdna.dna.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.util.LongAccumulator;
import org.jdna.dna.train.TrainHooks;
import org.junit.jupiter.api.Test;

/** What a sweep's run reports of its progress (the driver prints "step N of total" from it). */
class SweepTaskTest {
    @Test
    void aResumedRunReportsItsStepCountedFromTheStartOfTheRun() {
        LongAccumulator steps = new LongAccumulator();
        TrainHooks hooks = SweepTask.reportSteps(steps);
        hooks.beforeStep(7001, null);                 // the first step after a checkpoint at 7,000
        assertEquals(7001, steps.value());
        hooks.beforeStep(7002, null);
        hooks.beforeStep(7003, null);
        assertEquals(7003, steps.value());
    }
}
