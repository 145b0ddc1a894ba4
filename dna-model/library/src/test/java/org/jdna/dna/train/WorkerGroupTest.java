package org.jdna.dna.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.RunConfig;
import org.jdna.dna.io.Checkpoint;
import org.jdna.dna.io.CheckpointStore;
import org.jdna.dna.io.TensorData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The trainer's side of data-parallel training, the workers as threads ({@link InProcessWorkers}): N workers that
 * each run one shard give the run of train.microBatches = N in one process, bit for bit (losses, gradient norms,
 * the controller's routes, the checkpoint, config.json); a crash of all and a resume from the lead's checkpoint
 * continue exactly.
 */
class WorkerGroupTest {
    @TempDir
    Path tmp;

    private static String[] settings(int n) {
        // batch 6: the controller's target 0.31 lies between the shards' identity fractions (see MicroBatchesTest)
        return new String[] {"train.batchSize=6", "train.microBatches=" + n, "model.identityTarget=0.31",
                "train.checkpointEvery=2"};
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void workersGiveTheBitsOfMicroBatches(int n) throws Exception {
        Path alone = tmp.resolve("alone");
        Trainer.run(TinyRuns.config(alone, 4, settings(n)), TinyRuns.quietOptions());
        Path workers = tmp.resolve("workers");
        runWorkers(TinyRuns.config(workers, 4, settings(n)), n, false, TrainHooks.NONE);

        assertEquals(TinyRuns.losses(alone), TinyRuns.losses(workers));
        for (String field : List.of("gradNorm", "identityFraction", "moduleUsage", "lr")) {
            assertEquals(values(alone, field), values(workers, field), field);
        }
        assertSameCheckpoint(alone, workers, 4);
        assertEquals(Files.readString(alone.resolve(RunDirectory.CONFIG)).replace(alone.toString(), "OUT"),
                Files.readString(workers.resolve(RunDirectory.CONFIG)).replace(workers.toString(), "OUT"),
                "the same run, as its config.json says");
    }

    @Test
    void workersThatAllStopResumeFromTheLeadsCheckpointExactly() throws Exception {
        Path alone = tmp.resolve("alone");
        Trainer.run(TinyRuns.config(alone, 6, settings(2)), TinyRuns.quietOptions());
        Path workers = tmp.resolve("workers");
        RunConfig config = TinyRuns.config(workers, 6, settings(2));
        ExecutionException crash = assertThrows(ExecutionException.class, () -> runWorkers(config, 2, false,
                (step, model) -> {
                    if (step == 4) {
                        throw new IllegalStateException("simulated loss of the workers before step 4");
                    }
                }));
        assertTrue(crash.getCause().getMessage().contains("simulated loss"), crash.getCause().toString());
        assertEquals(3, TinyRuns.losses(workers).size());
        runWorkers(config, 2, true, TrainHooks.NONE);
        assertEquals(TinyRuns.losses(alone), TinyRuns.losses(workers));
        assertSameCheckpoint(alone, workers, 6);
    }

    @Test
    void theNumberOfWorkersMustBeTheNumberOfShards() {
        ConfigException e = assertThrows(ConfigException.class, () -> Trainer.run(
                TinyRuns.config(tmp.resolve("run"), 2, "train.batchSize=6", "train.microBatches=3"),
                TinyRuns.quietOptions().withWorkers(new InProcessWorkers(2).worker(0))));
        assertTrue(e.getMessage().contains("train.microBatches = 3, but the run has 2 data-parallel workers"),
                e.getMessage());
    }

    /** Worker 0 leads (Trainer.run), the others follow; each on its own thread; the first failure is thrown. */
    private static void runWorkers(RunConfig config, int n, boolean resume, TrainHooks hooks) throws Exception {
        InProcessWorkers group = new InProcessWorkers(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                TrainOptions o = TinyRuns.quietOptions().withWorkers(group.worker(r)).withResume(resume)
                        .withHooks(hooks);
                done.add(r == 0 ? pool.submit(() -> Trainer.run(config, o)) : pool.submit(() -> Trainer.follow(config, o)));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<Object> values(Path run, String field) {
        return TinyRuns.records(run, "step").stream().map(r -> r.get(field)).toList();
    }

    private static void assertSameCheckpoint(Path a, Path b, long step) {
        Checkpoint.Loaded x = Checkpoint.load(a.resolve("checkpoints").resolve(CheckpointStore.folderName(step)));
        Checkpoint.Loaded y = Checkpoint.load(b.resolve("checkpoints").resolve(CheckpointStore.folderName(step)));
        assertEquals(x.model().keySet(), y.model().keySet());
        for (Map.Entry<String, TensorData> e : x.model().entrySet()) {
            assertEquals(e.getValue(), y.model().get(e.getKey()), "weights of " + e.getKey());
        }
        assertEquals(x.optimizer(), y.optimizer());
        assertEquals(x.state().metrics(), y.state().metrics());
    }
}
