package org.jdna.dna.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.spark.api.java.JavaSparkContext;
import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.ConfigJson;
import org.jdna.dna.spark.SparkJobs;
import org.jdna.dna.train.TinyRuns;
import org.jdna.dna.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jdna sweep on local[2]: every run trained as the trainer trains it, a failing run in the table, bad input refused. */
class SweepTest {
    @TempDir
    Path tmp;

    private Path spec(Object presets, Object seeds, List<String> set) throws IOException {
        Path f = tmp.resolve("spec.json");
        Files.writeString(f, ConfigJson.MAPPER.writeValueAsString(Map.of("presets", presets, "seeds", seeds,
                "set", set)));
        return f;
    }

    @Test
    void everyRunTrainsAsTheTrainerDoesAndAFailedRunIsARowOfTheTable() throws IOException {
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("dna-top2-seed3"), "a file where the run's folder should be");
        Path spec = spec(List.of("dna-top2"), List.of(1, 2, 3), TinyRuns.overrides(tmp.resolve("unused"), 3));
        StringWriter console = new StringWriter();
        List<RunOutcome> outcomes = new Sweep(spec, out, "local[2]", 1).run(new PrintWriter(console));

        assertEquals(List.of("dna-top2-seed1", "dna-top2-seed2", "dna-top2-seed3"),
                outcomes.stream().map(RunOutcome::name).toList());
        assertTrue(outcomes.get(0).ok() && outcomes.get(1).ok(), outcomes.toString());
        assertFalse(outcomes.get(2).ok());
        assertNull(outcomes.get(2).summary());
        // the sweep's run is the trainer's run: same losses, bit for bit
        Trainer.run(TinyRuns.config(tmp.resolve("direct"), 3, "train.seed=1", "train.threads=1"),
                TinyRuns.quietOptions());
        assertEquals(TinyRuns.losses(tmp.resolve("direct")), TinyRuns.losses(out.resolve("dna-top2-seed1")));
        assertEquals(((Number) outcomes.get(0).summary().get("valLoss")).doubleValue(),
                ConfigJson.MAPPER.readTree(tmp.resolve("direct/summary.json").toFile()).get("valLoss").asDouble());

        String table = Files.readString(out.resolve("comparison.md"));
        assertTrue(table.contains("| dna-top2-seed2 | "), table);
        assertTrue(table.contains("| dna-top2-seed3 | | | | | | | failed: "), table);
        assertEquals(3, ConfigJson.MAPPER.readTree(out.resolve("results.json").toFile()).size());
        String lines = console.toString();
        for (String run : List.of("dna-top2-seed1", "dna-top2-seed2")) {
            assertTrue(lines.contains(run + " started"), lines);
            assertTrue(lines.contains(run + " finished: val loss"), lines);
        }
        assertTrue(lines.contains("dna-top2-seed3 FAILED: "), lines);
    }

    @Test
    void anUnknownPresetOrFieldIsRefusedNamingTheEntryBeforeAnythingStarts() throws IOException {
        Path out = tmp.resolve("out");
        ConfigException preset = assertThrows(ConfigException.class, () -> new Sweep(
                spec(List.of("dna-top2", "densse"), List.of(1), List.of()), out, "local[1]", 1).run(quiet()));
        assertTrue(preset.getMessage().contains("presets[1] 'densse'"), preset.getMessage());
        ConfigException field = assertThrows(ConfigException.class, () -> new Sweep(
                spec(List.of("dna-top2"), List.of(1), List.of("train.stepz=3")), out, "local[1]", 1).run(quiet()));
        assertTrue(field.getMessage().contains("presets[0] 'dna-top2'") && field.getMessage().contains("stepz"),
                field.getMessage());
        assertFalse(Files.exists(out), "nothing was written");
    }

    @Test
    void anOutputFolderThatCannotBeWrittenIsRefusedBeforeAnyTraining() throws IOException {
        Path blocker = tmp.resolve("blocker");
        Files.writeString(blocker, "");
        ConfigException e = assertThrows(ConfigException.class, () -> new Sweep(
                spec(List.of("dna-top2"), List.of(1), TinyRuns.overrides(tmp, 1)), blocker.resolve("out"), "local[1]", 1)
                .run(quiet()));
        assertTrue(e.getMessage().contains("cannot be written"), e.getMessage());
    }

    @Test
    void anUnreachableMasterIsAClearErrorWithinThirtySeconds() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();             // free now, closed below: nothing listens there
        }
        long start = System.nanoTime();
        String master = "spark://127.0.0.1:" + port;
        ConfigException e = assertThrows(ConfigException.class, () -> new Sweep(
                spec(List.of("dna-top2"), List.of(1), TinyRuns.overrides(tmp, 1)), tmp.resolve("out"), master, 1)
                .run(quiet()));
        assertTrue(e.getMessage().contains("the Spark master " + master + " cannot be reached"), e.getMessage());
        assertTrue(System.nanoTime() - start < 30e9);
    }

    @Test
    void aSparkContextShutDownUnderTheSweepIsOneLineSayingHowToGoOn() {
        SweepRun run = new SweepRun("dna-top2-seed1", "dna-top2", null, TinyRuns.overrides(tmp.resolve("run"), 1));
        JavaSparkContext sc = SparkJobs.open("SweepTest", "local[1]");
        sc.stop();                               // as Spark's shutdown hook does when the process gets a signal
        SweepStoppedException e = assertThrows(SweepStoppedException.class,
                () -> Sweep.train(sc, List.of(run), quiet()));
        assertTrue(e.getMessage().contains("shutting down") && e.getMessage().contains("--resume"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("run")), "nothing trained");
    }

    private static PrintWriter quiet() { return new PrintWriter(new StringWriter()); }
}
