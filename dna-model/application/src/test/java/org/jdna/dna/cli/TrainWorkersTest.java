package org.jdna.dna.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.jdna.dna.io.Checkpoint;
import org.jdna.dna.io.CheckpointStore;
import org.jdna.dna.train.TinyRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code jdna train --workers N} on Spark's local master: the same losses, bit for bit, as
 * {@code --set train.microBatches=N} in one process on the same global batch; bad input refused before training.
 */
class TrainWorkersTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"2, 4", "3, 6"})
    void workersGiveTheLossesOfMicroBatchesBitForBit(int n, int batch) throws IOException {
        MainTest.Result alone = TrainCommandTest.train(tmp.resolve("alone"), 4, "--set", "train.batchSize=" + batch,
                "--set", "train.microBatches=" + n, "--set", "model.identityTarget=0.31");
        assertEquals(0, alone.code(), alone.err());
        MainTest.Result workers = TrainCommandTest.train(tmp.resolve("workers"), 4, "--set", "train.batchSize=" + batch,
                "--set", "model.identityTarget=0.31", "--workers", String.valueOf(n));
        assertEquals(0, workers.code(), workers.err() + workers.out());

        List<Double> losses = TinyRuns.losses(tmp.resolve("alone"));
        assertEquals(4, losses.size());
        assertEquals(losses, TinyRuns.losses(tmp.resolve("workers")));
        assertEquals(gradNorms(tmp.resolve("alone")), gradNorms(tmp.resolve("workers")));
        Checkpoint.Loaded a = Checkpoint.load(tmp.resolve("alone/checkpoints").resolve(CheckpointStore.folderName(4)));
        Checkpoint.Loaded w = Checkpoint.load(tmp.resolve("workers/checkpoints").resolve(CheckpointStore.folderName(4)));
        assertEquals(a.model(), w.model(), "the final weights");
        assertEquals(n, w.state().config().train().microBatches(), "the run records its N shards");

        String out = workers.out();
        assertTrue(out.contains("jdna train: " + n + " workers on local[" + n + "]"), out);
        assertTrue(out.contains("all-reduce (worker 0, 4 steps)"), out);
        assertTrue(out.contains("validation loss"), out);
    }

    @Test
    void anUnreachableMasterIsOneLineWithinThirtySeconds() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();                       // free now, closed below: nothing listens there
        }
        long start = System.nanoTime();
        MainTest.Result r = TrainCommandTest.train(tmp.resolve("run"), 2, "--workers", "2", "--master",
                "spark://127.0.0.1:" + port);
        assertEquals(Main.USER_ERROR, r.code());
        assertTrue(r.err().startsWith("error: jdna train --workers: the Spark master spark://127.0.0.1:" + port
                + " cannot be reached"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(System.nanoTime() - start < 30e9);
        assertFalse(Files.exists(tmp.resolve("run/config.json")));
    }

    @Test
    void anOutputFolderThatCannotBeWrittenIsRefusedBeforeTraining() throws IOException {
        Path blocker = tmp.resolve("blocker");
        Files.writeString(blocker, "a file where a folder should be");
        MainTest.Result r = TrainCommandTest.train(blocker.resolve("run"), 2, "--workers", "2");
        assertEquals(Main.USER_ERROR, r.code());
        assertTrue(r.err().contains("the output folder " + blocker.resolve("run") + " cannot be written"), r.err());
        assertFalse(r.out().contains("workers on"), "nothing started: " + r.out());
    }

    @Test
    void settingsTheWorkersCannotRunAreRefusedNamingTheField() {
        MainTest.Result batch = TrainCommandTest.train(tmp.resolve("a"), 2, "--set", "train.batchSize=6",
                "--workers", "4");
        assertEquals(Main.USER_ERROR, batch.code());
        assertTrue(batch.err().contains("--workers 4: train.batchSize = 6 does not split into 4 equal shards"),
                batch.err());
        MainTest.Result micro = TrainCommandTest.train(tmp.resolve("b"), 2, "--set", "train.batchSize=4",
                "--set", "train.microBatches=4", "--workers", "2");
        assertTrue(micro.err().contains("--workers 2: train.microBatches = 4"), micro.err());
        MainTest.Result dropout = TrainCommandTest.train(tmp.resolve("c"), 2, "--set", "model.dropout=0.1",
                "--workers", "2");
        assertTrue(dropout.err().contains("--workers 2: model.dropout = 0.1"), dropout.err());
        for (MainTest.Result r : List.of(batch, micro, dropout)) {
            assertFalse(r.out().contains("workers on"), "nothing started: " + r.out());
        }
    }

    private static List<Object> gradNorms(Path run) {
        return TinyRuns.records(run, "step").stream().map(r -> r.get("gradNorm")).toList();
    }
}
