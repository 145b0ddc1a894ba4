package org.jdna.dna.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.jdna.dna.config.RunConfig;
import org.jdna.dna.model.DnaModel;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Backends;
import org.jdna.engine.memory.MemoryStats;
import org.jdna.engine.optim.AdamW;
import org.jdna.engine.optim.WarmupCosine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's step of a small DNA in its memory scope: once warm it takes no new block from the
 * heap (on new batches, with routing that moves), gives every block back, and its losses, gradient
 * norms and routes are the very bits of the same steps without a scope. Warm means every size class
 * has met its largest demand: the module row counts move from step to step, and this run's pool
 * stops growing after step 22 (and stays flat for the 100 steps tried).
 */
class TrainStepMemoryTest {
    private static final int STEPS = 32;
    private static final int WARM_UP = 24;

    @TempDir
    Path tmp;

    private record Run(List<StepResult> steps, List<MemoryStats> memory) {
    }

    @Test
    void aSteadyDnaStepTakesNoNewPoolMemoryAndChangesNoBit() {
        RunConfig config = TinyRuns.config(tmp.resolve("run"), STEPS);
        Backend previous = Backends.current();
        Backend backend = Backends.use("reference");
        try {
            backend.releaseCachedMemory();                // warm-up starts from an empty cache, whatever ran before
            long inUse = backend.memoryStats().bytesInUse();
            Run scoped = run(config, true, backend);
            for (int s = 0; s < STEPS; s++) {
                MemoryStats m = scoped.memory().get(s);
                assertEquals(inUse, m.bytesInUse(), "step " + (s + 1) + " kept memory after its scope");
                if (s >= WARM_UP) {
                    assertEquals(scoped.memory().get(WARM_UP - 1).blocksCreated(), m.blocksCreated(),
                            "step " + (s + 1) + " took new pool memory after warm-up: " + scoped.memory());
                }
            }
            assertTrue(scoped.memory().getLast().blocksReused() > scoped.memory().getFirst().blocksReused());

            Run plain = run(config, false, backend);
            for (int s = 0; s < STEPS; s++) {
                StepResult a = scoped.steps().get(s);
                StepResult b = plain.steps().get(s);
                assertEquals(Double.doubleToRawLongBits(b.loss()), Double.doubleToRawLongBits(a.loss()),
                        "loss of step " + (s + 1));
                assertEquals(Double.doubleToRawLongBits(b.gradNorm()), Double.doubleToRawLongBits(a.gradNorm()),
                        "gradient norm of step " + (s + 1));
                assertEquals(RecentSteps.moduleUsage(b.trace()).length, RecentSteps.moduleUsage(a.trace()).length);
                for (int r = 0; r < b.trace().steps().size(); r++) {
                    assertEquals(java.util.Arrays.toString(b.trace().steps().get(r).modules()),
                            java.util.Arrays.toString(a.trace().steps().get(r).modules()), "routes of step " + (s + 1));
                }
            }
        } finally {
            Backends.use(previous);
        }
    }

    @Test
    void aStepOfMicroBatchesPeaksAtOneShardsActivations() {
        Backend previous = Backends.current();
        Backend backend = Backends.use("reference");
        try {
            long whole = stepPeak(TinyRuns.config(tmp.resolve("whole"), 3, "train.batchSize=8"), backend);
            long sharded = stepPeak(TinyRuns.config(tmp.resolve("four"), 3, "train.batchSize=8",
                    "train.microBatches=4"), backend);
            // each shard's activations go back to the pool before the next shard runs: four shards of 2 rows
            // peak at about a quarter of the activations of 8 rows (plus the summed gradients)
            assertTrue(sharded < 0.5 * whole, "peak with 4 micro-batches " + sharded + " B, in one " + whole + " B");
        } finally {
            Backends.use(previous);
        }
    }

    // The most in use during the last of a few scoped steps, above what the model and optimizer hold.
    private static long stepPeak(RunConfig config, Backend backend) {
        Trainee r = trainee(config);
        TrainStep step = r.step();
        TaskData data = r.data();
        step.run(1, data.nextTrain());
        long before = backend.memoryStats().bytesInUse();
        backend.resetMemoryPeak();
        step.run(2, data.nextTrain());
        return backend.memoryStats().peakBytesInUse() - before;
    }

    private record Trainee(TrainStep step, TaskData data) {}

    // The trainer's model, optimizer, schedule and step, and its data.
    private static Trainee trainee(RunConfig config) {
        var t = config.train();
        TaskData data = TaskData.open(config, TinyRuns.quietOptions().datasets());
        DnaModel model = new DnaModel(config.model(), t.seed());
        AdamW optimizer = new AdamW(model, new AdamW.Options(t.lr(), t.beta1(), t.beta2(), t.adamEps(), t.weightDecay()));
        WarmupCosine schedule = new WarmupCosine(t.lr(), t.minLr(), t.warmupSteps(), t.steps());
        TrainStep step = new TrainStep(model, optimizer, schedule, t.gradClip(), new DivergenceGuard(Path.of("."), null),
                TrainExtension.NONE, t.microBatches());
        return new Trainee(step, data);
    }

    // Each step's result and the pool after it.
    private static Run run(RunConfig config, boolean scoped, Backend backend) {
        Trainee r = trainee(config);
        TrainStep step = r.step();
        TaskData data = r.data();
        List<StepResult> results = new ArrayList<>();
        List<MemoryStats> memory = new ArrayList<>();
        for (long s = 1; s <= STEPS; s++) {
            results.add(scoped ? step.run(s, data.nextTrain()) : step.runWithoutScope(s, data.nextTrain()));
            memory.add(backend.memoryStats());
        }
        return new Run(results, memory);
    }
}
