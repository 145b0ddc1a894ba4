package org.jdna.dna.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.spark.api.java.JavaSparkContext;
import org.jdna.dna.config.ConfigJson;
import org.jdna.dna.config.RunConfig;
import org.jdna.dna.io.Checkpoint;
import org.jdna.dna.io.CheckpointStore;
import org.jdna.dna.spark.SparkJobs;
import org.jdna.dna.sweep.RunOutcome;
import org.jdna.dna.sweep.Sweep;
import org.jdna.dna.train.TinyRuns;
import org.jdna.dna.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real multi-process Spark standalone cluster on 127.0.0.1 ({@link LocalStandaloneCluster}: a Master, a Worker
 * and its executors, each its own JVM): a 2-run sweep trains there as it trains in this process, and a 2-worker
 * training whose executor is killed (SIGKILL, by pid) part-way is rerun by Spark from its newest checkpoint and ends
 * with the losses and weights of an uninterrupted run, bit for bit.
 */
class StandaloneClusterTest {
    private static final int STEPS = 60;

    @TempDir
    Path tmp;

    @Test
    void aSweepAndTwoWorkersRunOnTheClusterAndAKilledExecutorCostsNothing() throws Exception {
        // the references, in this process: the sweep's first run, and the 2-shard run the workers must equal
        Trainer.run(TinyRuns.config(tmp.resolve("direct-sweep"), 3, "train.seed=1", "train.threads=1"),
                TinyRuns.quietOptions());
        RunConfig shards = TinyRuns.config(tmp.resolve("direct-workers"), STEPS, workerSettings("train.microBatches=2"));
        Trainer.run(shards, TinyRuns.quietOptions());

        try (LocalStandaloneCluster cluster = new LocalStandaloneCluster(tmp.resolve("cluster"), 2, "1g");
             // one application for both jobs: its two executors start once
             JavaSparkContext sc = SparkJobs.open("jdna cluster test", cluster.masterUrl(), settings(cluster))) {
            String master = cluster.masterUrl();
            // 1. a sweep of two runs, one per executor
            Path spec = tmp.resolve("spec.json");
            Files.writeString(spec, ConfigJson.MAPPER.writeValueAsString(Map.of("presets", List.of("dna-top2"),
                    "seeds", List.of(1, 2), "set", TinyRuns.overrides(tmp.resolve("unused"), 3))));
            StringWriter sweepConsole = new StringWriter();
            List<RunOutcome> runs = new Sweep(spec, tmp.resolve("sweep"), master, 1).run(sc, new PrintWriter(sweepConsole));
            assertTrue(runs.stream().allMatch(RunOutcome::ok), runs + "\n" + sweepConsole);
            assertEquals(TinyRuns.losses(tmp.resolve("direct-sweep")), TinyRuns.losses(tmp.resolve("sweep/dna-top2-seed1")));

            // 2. two workers; one executor killed once the first checkpoint is on disk
            Path run = tmp.resolve("workers");
            RunConfig config = DataParallelTraining.settings(TinyRuns.config(run, STEPS, workerSettings()), 2, master);
            StringWriter console = new StringWriter();
            ExecutorService driver = Executors.newSingleThreadExecutor();
            try {
                Future<List<WorkerOutcome>> training = driver.submit(() ->
                        new DataParallelTraining(config, 2, master, false, false).run(sc, new PrintWriter(console)));
                Path first = run.resolve("checkpoints").resolve(CheckpointStore.folderName(5));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!Files.exists(first) && !training.isDone() && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertTrue(Files.exists(first), "no checkpoint at step 5 within 120 s:\n" + console + "\nworker log:\n"
                        + cluster.logTail("worker", 3000));
                List<ProcessHandle> executors = cluster.executors();
                assertEquals(2, executors.size(), "one executor per worker");
                ProcessHandle victim = executors.getFirst();
                assertTrue(victim.destroyForcibly(), "SIGKILL to executor " + victim.pid());
                victim.onExit().get(30, TimeUnit.SECONDS);

                List<WorkerOutcome> outcomes = training.get(180, TimeUnit.SECONDS);
                assertTrue(outcomes.getFirst().ok(), outcomes + "\n" + console);
            } finally {
                driver.shutdownNow();
            }
            String lead = Files.readString(run.resolve(WorkerTask.CONSOLE));
            assertTrue(lead.contains("(resuming after step "), "the rerun resumed from a checkpoint:\n" + lead);
            assertTrue(console.toString().contains("lost"), console.toString());
            assertFalse(lead.contains("(resuming after step " + STEPS + ")"), "killed before the end:\n" + lead);
        }
        // the interrupted run equals the uninterrupted one, bit for bit
        Path run = tmp.resolve("workers");
        assertEquals(TinyRuns.losses(tmp.resolve("direct-workers")), TinyRuns.losses(run));
        Checkpoint.Loaded a = Checkpoint.load(tmp.resolve("direct-workers/checkpoints")
                .resolve(CheckpointStore.folderName(STEPS)));
        Checkpoint.Loaded b = Checkpoint.load(run.resolve("checkpoints").resolve(CheckpointStore.folderName(STEPS)));
        assertEquals(a.model(), b.model(), "final weights");
        assertEquals(a.optimizer(), b.optimizer(), "final optimizer state");
    }

    private static String[] workerSettings(String... more) {
        List<String> s = new ArrayList<>(List.of("train.batchSize=4", "model.identityTarget=0.31",
                "train.checkpointEvery=5", "train.threads=1"));
        s.addAll(List.of(more));
        return s.toArray(String[]::new);
    }

    private static String[] settings(LocalStandaloneCluster cluster) {
        return cluster.appSettings(2).entrySet().stream().flatMap(e -> Stream.of(e.getKey(), e.getValue()))
                .toArray(String[]::new);
    }
}
