package org.jdna.dna.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jdna.dna.io.Checkpoint;
import org.jdna.dna.io.CheckpointStore;
import org.jdna.dna.train.Datasets;
import org.jdna.dna.train.EvalResult;
import org.jdna.dna.train.Evaluator;
import org.jdna.dna.train.TaskData;
import org.jdna.dna.train.TinyRuns;
import org.jdna.dna.train.TrainedModel;
import org.jdna.dna.train.TrainingDivergedException;
import org.jdna.engine.backend.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The train, eval and sample commands end to end on a tiny run. */
class TrainCommandTest {
    @TempDir
    Path tmp;

    /** jdna train with the tiny run's overrides as --set options, plus {@code more}. */
    static MainTest.Result train(Path out, int steps, String... more) {
        List<String> args = new ArrayList<>(List.of("train"));
        for (String o : TinyRuns.overrides(out, steps)) {
            args.add("--set");
            args.add(o);
        }
        args.addAll(List.of(more));
        return MainTest.run(args.toArray(String[]::new));
    }

    private static void assertNoStackTrace(String err) {
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace expected:\n" + err);
    }

    private static TrainCommand.Plan plan(String... args) {
        var cl = Main.commandLine();
        cl.parseArgs(args);
        return ((TrainCommand) cl.getSubcommands().get("train").getCommand()).plan();
    }

    @Test
    void noArgumentsIsTheMainJobDnaTop2ThenDenseOnAShortBudget() {
        TrainCommand.Plan main = plan("train");
        assertTrue(main.mainJob() && main.overwrite() && !main.resume());
        assertEquals(80, main.run().train().steps());
        assertEquals(8, main.run().train().warmupSteps());
        assertEquals(2, main.run().model().topK());
        assertEquals(0.3, main.run().model().identityTarget());
        assertEquals(0.01, main.run().model().controllerSpeed(), "a controller fast enough for 80 steps");
        assertEquals(Path.of("runs/dense"), main.denseOut());

        TrainCommand.Plan single = plan("train", "--steps", "7");
        assertFalse(single.mainJob() || single.overwrite());
        assertEquals(null, single.denseOut());
        assertEquals(7, single.run().train().steps());
        TrainCommand.Plan full = plan("train", "--compare-dense");
        assertEquals(600, full.run().train().steps(), "--compare-dense alone keeps the preset's full budget");
        assertEquals(1e-3, full.run().model().controllerSpeed());
        assertEquals(Path.of("runs/dense"), full.denseOut());
        assertEquals(Path.of("runs/vision-dense"), plan("train", "--task", "vision", "--compare-dense").denseOut());
        assertEquals(Path.of("runs/x-dense"), plan("train", "--out", "runs/x", "--compare-dense").denseOut());
        assertEquals("cuda", plan("train", "--device", "cuda").run().train().backend(), "--device is --backend");
    }

    @Test
    void trainPrintsProgressSummaryAndWritesMetrics() {
        Path run = tmp.resolve("run");
        MainTest.Result r = train(run, 4, "--set", "train.evalEvery=2", "--set", "train.logEvery=2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("parameters; per token"), r.out());
        assertTrue(r.out().contains("validation loss"), r.out());
        assertTrue(r.out().contains("identity fraction per routed step"), r.out());
        assertTrue(r.out().contains("saved in " + run), r.out());
        // one plain line per logEvery steps (and the first), no carriage returns outside a terminal
        assertFalse(r.err().contains("\r"), r.err());
        assertTrue(r.err().contains("step 1/4"), r.err());
        assertTrue(r.err().contains("step 2/4"), r.err());
        assertFalse(r.err().contains("step 3/4"), r.err());
        assertTrue(r.err().matches("(?s).*step 4/4 +100% \\| loss [0-9.]+ \\| lr [0-9.e+-]+ \\| [0-9,]+ tok/s"
                + " \\| identity [0-9.]+ \\| ETA 0s.*"), r.err());
        assertTrue(r.err().contains("eval step 2: val loss"), r.err());

        List<Map<String, Object>> steps = TinyRuns.records(run, "step");
        assertEquals(4, steps.size());
        for (String field : List.of("step", "loss", "lr", "gradNorm", "identityFraction", "moduleUsage",
                "tokensPerSecond", "activeParamsPerToken", "forwardFlopsPerToken", "tokens")) {
            assertTrue(steps.getFirst().containsKey(field), field + " missing from " + steps.getFirst());
        }
        assertEquals(2, ((List<?>) steps.getFirst().get("identityFraction")).size(), "one fraction per routed step");
        assertEquals(2, TinyRuns.records(run, "eval").size());
        Map<String, Object> start = TinyRuns.records(run, "start").getFirst();
        for (String field : List.of("totalParams", "activeParamsPerToken", "forwardFlopsPerToken", "backend")) {
            assertTrue(start.containsKey(field), field + " missing from " + start);
        }
        Map<String, Object> summary = TinyRuns.records(run, "summary").getFirst();
        assertTrue(summary.containsKey("valLoss") && summary.containsKey("forwardFlopsPerToken"), summary.toString());
        assertTrue(Files.exists(run.resolve("summary.json")));
        assertTrue(Files.exists(run.resolve("config.json")));
    }

    /** --threads reaches the SIMD backend as a value; the banner and config.json say what ran; eval refuses -2. */
    @Test
    void threadsRunExactlyAsAskedAndTheBannerSaysSo() throws IOException {
        Path run = tmp.resolve("run");
        MainTest.Result r = train(run, 1, "--backend", "simd", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("  backend simd (Vector API ") && r.out().contains(", 1 thread)"), r.out());
        assertTrue(Backends.current().description().endsWith(", 1 thread)"), Backends.current().description());
        assertTrue(Files.readString(run.resolve("config.json")).contains("\"threads\" : 1"));

        for (String command : List.of("eval", "sample")) {
            MainTest.Result bad = MainTest.run(command, run.toString(), "--threads", "-2");
            assertEquals(Main.USER_ERROR, bad.code(), command);
            assertEquals("error: --threads must be >= 0 (0 = all cores), got -2", bad.err().strip(), command);
        }
    }

    @Test
    void evalOfTheFinalCheckpointReproducesTheFinalEvalLoss() {
        Path run = tmp.resolve("run");
        assertEquals(0, train(run, 3).code());
        Path last = run.resolve("checkpoints").resolve(CheckpointStore.folderName(3));
        double recorded = Checkpoint.load(last).state().metrics().get("valLoss");

        TrainedModel m = TrainedModel.load(run, "reference", 0);
        assertEquals(last, m.checkpoint());
        EvalResult e = Evaluator.evaluate(m.model(), TaskData.open(m.config(), new Datasets(s -> { })).evalBatches());
        assertEquals(recorded, e.loss(), "bit-identical to the evaluation at the end of training");

        MainTest.Result r = MainTest.run("eval", run.toString(), "--backend", "reference");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("(identical)"), r.out());
    }

    @Test
    void evalOnTheTestSplitScoresEveryTestImageAndIsRefusedForLanguage() {
        Path vision = tmp.resolve("vision");
        MainTest.Result t = train(vision, 2, "--preset", "vision-dna-top2", "--set", "data.dataset=synthetic-images",
                "--set", "data.syntheticSize=120", "--set", "model.vision.patchSize=7");
        assertEquals(0, t.code(), t.err());
        MainTest.Result r = MainTest.run("eval", vision.toString(), "--split", "test", "--backend", "reference");
        assertEquals(0, r.code(), r.err());
        // synthetic-images of 120 training images has max(10, 120 / 6) = 20 test images: one target each
        assertTrue(r.out().matches("(?s).*test loss [0-9.]+ \\(accuracy [0-9.]+%\\) over 20 targets of \\d+ test batches.*"),
                r.out());

        Path language = tmp.resolve("language");
        assertEquals(0, train(language, 1).code());
        MainTest.Result refused = MainTest.run("eval", language.toString(), "--split", "test", "--backend", "reference");
        assertEquals(2, refused.code(), refused.err());
        assertTrue(refused.err().contains("--split test exists for vision runs only"), refused.err());
        assertNoStackTrace(refused.err());
        assertEquals(2, MainTest.run("eval", language.toString(), "--split", "train").code());
    }

    @Test
    void sampleGeneratesTheRequestedNumberOfBytesDeterministically() {
        Path run = tmp.resolve("run");
        assertEquals(0, train(run, 2).code());
        MainTest.Result a = MainTest.run("sample", run.toString(), "--prompt", "the ", "--tokens", "37", "--seed", "5",
                "--backend", "reference");
        assertEquals(0, a.code(), a.err());
        String text = a.out().stripTrailing().isEmpty() ? "" : a.out().substring(0, a.out().length() - System.lineSeparator().length());
        assertEquals(4 + 37, text.length(), "prompt + 37 generated bytes: '" + text + "'");
        assertTrue(text.startsWith("the "));
        MainTest.Result b = MainTest.run("sample", run.toString(), "--prompt", "the ", "--tokens", "37", "--seed", "5",
                "--backend", "reference");
        assertEquals(a.out(), b.out());
        MainTest.Result bad = MainTest.run("sample", run.toString(), "--tokens", "-1");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--tokens must be >= 0"), bad.err());
    }

    @Test
    void aTruncatedCheckpointIsRefusedWithAClearMessage() throws IOException {
        Path run = tmp.resolve("run");
        assertEquals(0, train(run, 2).code());
        Path weights = run.resolve("checkpoints").resolve(CheckpointStore.folderName(2)).resolve(Checkpoint.MODEL);
        try (FileChannel ch = FileChannel.open(weights, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);
        }
        MainTest.Result e = MainTest.run("eval", run.toString(), "--backend", "reference");
        assertEquals(Main.USER_ERROR, e.code());
        assertTrue(e.err().startsWith("error: checkpoint "), e.err());
        assertTrue(e.err().contains("model.safetensors") && e.err().contains("(truncated)"), e.err());
        assertNoStackTrace(e.err());

        MainTest.Result s = MainTest.run("sample", run.toString());
        assertEquals(Main.USER_ERROR, s.code());
        assertNoStackTrace(s.err());

        MainTest.Result resumed = MainTest.run("train", "--resume", run.toString());
        assertEquals(Main.USER_ERROR, resumed.code());
        assertTrue(resumed.err().contains("(truncated)"), resumed.err());
        assertNoStackTrace(resumed.err());
    }

    @Test
    void resumeOfAFinishedRunOnlyEvaluatesAndAnExistingRunIsNotOverwritten() {
        Path run = tmp.resolve("run");
        assertEquals(0, train(run, 2).code());
        MainTest.Result again = train(run, 2);
        assertEquals(Main.USER_ERROR, again.code());
        assertTrue(again.err().contains("already holds a run"), again.err());

        MainTest.Result resumed = MainTest.run("train", "--resume", run.toString());
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resuming after step 2"), resumed.out());
        assertEquals(2, TinyRuns.records(run, "step").size());
        assertEquals(1, TinyRuns.records(run, "summary").size(), "the summary is written again, not twice");

        MainTest.Result longer = MainTest.run("train", "--resume", run.toString(), "--steps", "3");
        assertEquals(0, longer.code(), longer.err());
        assertEquals(3, TinyRuns.records(run, "step").size());

        MainTest.Result notARun = MainTest.run("train", "--resume", tmp.resolve("nothing").toString());
        assertEquals(Main.USER_ERROR, notARun.code());
        assertTrue(notARun.err().contains("is not a run folder"), notARun.err());
    }

    /** A command that fails the way a diverged run does (the divergence itself is TrainerTest's). */
    @picocli.CommandLine.Command(name = "diverge")
    static final class Diverge implements java.util.concurrent.Callable<Integer> {
        @Override
        public Integer call() {
            throw new TrainingDivergedException(7, "training diverged at step 7: the loss is NaN", null);
        }
    }

    @Test
    void aDivergedRunExitsWith3AndAMessageWithoutStackTrace() {
        var cl = Main.commandLine();
        cl.addSubcommand("diverge", new Diverge());
        var err = new java.io.StringWriter();
        cl.setErr(new java.io.PrintWriter(err));
        assertEquals(Main.DIVERGED, cl.execute("diverge"));
        assertEquals("error: training diverged at step 7: the loss is NaN", err.toString().strip());
    }

    @Test
    void compareDenseTrainsTheBaselineOnTheSameBudget() throws IOException {
        Path run = tmp.resolve("dna");
        MainTest.Result r = train(run, 2, "--compare-dense");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("DNA vs dense baseline"), r.out());
        assertTrue(r.out().contains("./jdna sample " + run), r.out());
        Path dense = tmp.resolve("dna-dense");
        assertEquals(2, TinyRuns.records(dense, "step").size());
        assertTrue(Files.readString(dense.resolve("config.json"), java.nio.charset.StandardCharsets.UTF_8)
                .contains("\"forcedRouting\" : true"));
    }
}
