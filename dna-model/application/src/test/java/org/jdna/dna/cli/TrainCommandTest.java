package org.jdna.dna.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.jdna.dna.config.ConfigJson;
import org.jdna.dna.config.Positions;
import org.jdna.dna.data.SyntheticText;
import org.jdna.dna.data.WordShare;
import org.jdna.dna.io.Checkpoint;
import org.jdna.dna.io.CheckpointStore;
import org.jdna.dna.io.TensorData;
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
        assertEquals(450, main.run().train().steps());
        assertEquals(20, main.run().train().warmupSteps());
        assertEquals(2, main.run().model().topK());
        assertEquals(0.3, main.run().model().identityTarget());
        assertEquals(0.01, main.run().model().controllerSpeed(), "a controller fast enough for a short run");
        assertEquals(Positions.ROPE, main.run().model().positions(), "rotary positions: docs/main-job.md");
        assertEquals(96, main.run().model().width());
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
        assertTrue(r.err().contains("eval step 2: val (sample) loss"), r.err());
        assertTrue(r.err().contains("val loss ") && r.err().contains(" over the whole split"), r.err());

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
        Map<String, Double> recorded = Checkpoint.load(last).state().metrics();

        TrainedModel m = TrainedModel.load(run, "reference", 0);
        assertEquals(last, m.checkpoint());
        TaskData data = TaskData.open(m.config(), new Datasets(s -> { }));
        EvalResult whole = Evaluator.evaluate(m.model(), data.heldOutBatches().batches());
        assertEquals(recorded.get("valLoss"), whole.loss(), "bit-identical to the evaluation at the end of training");
        EvalResult sample = Evaluator.evaluate(m.model(), data.evalBatches());
        assertEquals(recorded.get("valSampleLoss"), sample.loss());

        MainTest.Result r = MainTest.run("eval", run.toString(), "--backend", "reference");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("over  the whole validation split: "), r.out());
        assertTrue(r.out().contains("val loss recorded when the checkpoint was written: ")
                && r.out().contains("(identical)"), r.out());
        MainTest.Result s = MainTest.run("eval", run.toString(), "--split", "sample", "--backend", "reference");
        assertEquals(0, s.code(), s.err());
        assertTrue(s.out().contains("val (sample) loss recorded when the checkpoint was written: ")
                && s.out().contains("(identical)"), s.out());
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
        assertTrue(r.out().matches("(?s).*test loss [0-9.]+ \\(accuracy [0-9.]+%\\) over 20 targets.*"), r.out());
        assertTrue(r.out().contains("(identical)"), "the run's summary scored the same test split: " + r.out());

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
        MainTest.Result counted = MainTest.run("sample", run.toString(), "--prompt", "the ", "--tokens", "37", "--seed",
                "5", "--backend", "reference", "--word-share");
        assertEquals(a.out(), counted.out(), "the text is the same; the count goes to stderr");
        WordShare.Count c = WordShare.of(SyntheticText.generate(20_000, 0.1))
                .count(text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 4);
        assertTrue(counted.err().contains("word share: ") && counted.err().contains(" of " + c.words()
                + " generated words of 4+ letters are in the vocabulary of synthetic-text"), counted.err());
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

    /** Every file under {@code dir} (relative path) with the SHA-256 of its bytes. */
    static Map<String, String> hashes(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                try {
                    out.put(dir.relativize(f).toString(), HexFormat.of().formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
                } catch (NoSuchAlgorithmException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return out;
    }

    /** The tiny run's overrides as --set options: the options of the command that trained it. */
    private static List<String> originalOptions(Path out, int steps) {
        List<String> args = new ArrayList<>();
        for (String o : TinyRuns.overrides(out, steps)) {
            args.add("--set");
            args.add(o);
        }
        return args;
    }

    private static MainTest.Result resume(Path run, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--resume", run.toString()));
        args.addAll(List.of(more));
        return MainTest.run(args.toArray(String[]::new));
    }

    @Test
    void resumeOfAFinishedRunSaysSoAndLeavesItsFolderByteIdentical() throws IOException {
        Path run = tmp.resolve("run");
        assertEquals(0, train(run, 2).code());
        MainTest.Result again = train(run, 2);
        assertEquals(Main.USER_ERROR, again.code());
        assertTrue(again.err().contains("already holds a run"), again.err());
        Map<String, String> before = hashes(run);
        assertTrue(before.containsKey("summary.json") && before.containsKey("metrics.jsonl"), before.toString());

        MainTest.Result resumed = resume(run);
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("finished at step 2 of 2: nothing to do, its files are unchanged"),
                resumed.out());
        assertEquals(before, hashes(run), "every file byte for byte, and no file more or less");
        // the same with the options of the command that trained it
        List<String> original = originalOptions(run, 2);
        MainTest.Result withOriginal = resume(run, original.toArray(String[]::new));
        assertEquals(0, withOriginal.code(), withOriginal.err());
        assertEquals(before, hashes(run));

        MainTest.Result shorter = resume(run, "--steps", "1");
        assertEquals(Main.USER_ERROR, shorter.code());
        assertTrue(shorter.err().contains("is at step 2, past train.steps = 1"), shorter.err());
        assertEquals(before, hashes(run));

        MainTest.Result longer = resume(run, "--steps", "3");
        assertEquals(0, longer.code(), longer.err());
        assertEquals(3, TinyRuns.records(run, "step").size());
        assertEquals(1, TinyRuns.records(run, "summary").size(), "the summary is written again, not twice");

        MainTest.Result notARun = MainTest.run("train", "--resume", tmp.resolve("nothing").toString());
        assertEquals(Main.USER_ERROR, notARun.code());
        assertTrue(notARun.err().contains("is not a run folder"), notARun.err());
    }

    @Test
    void resumeRefusesASeedItWouldIgnoreAndAcceptsTheOriginalOptions() throws IOException {
        Path run = tmp.resolve("run");
        assertEquals(0, train(run, 2, "--seed", "3").code());
        Map<String, String> before = hashes(run);

        MainTest.Result seed = resume(run, "--steps", "3", "--seed", "7");
        assertEquals(Main.USER_ERROR, seed.code());
        assertEquals("error: --resume: train.seed = 7 here, but the run was trained with 3: a resumed run keeps the"
                + " seed, batch size and data of its checkpoint in " + run + " (drop the option, or --overwrite to start"
                + " over)", seed.err().strip());
        assertEquals(before, hashes(run), "a refused resume writes nothing");
        MainTest.Result batch = resume(run, "--steps", "3", "--set", "train.batchSize=4");
        assertEquals(Main.USER_ERROR, batch.code());
        assertTrue(batch.err().contains("train.batchSize = 4 here, but the run was trained with 2"), batch.err());

        // the original command's preset and options agree with the run; another preset does not
        List<String> original = new ArrayList<>(List.of("--preset", "dna-top2", "--seed", "3", "--steps", "3",
                "--eval-every", "0", "--checkpoint-every", "0"));
        original.addAll(originalOptions(run, 2));
        MainTest.Result wrongPreset = resume(run, "--preset", "dense", "--steps", "3", "--seed", "3");
        assertEquals(Main.USER_ERROR, wrongPreset.code());
        assertTrue(wrongPreset.err().startsWith("error: --resume: --preset/--config/--task give another configuration"
                + " than the run's " + run.resolve("config.json") + ": data.dataset = "), wrongPreset.err());
        assertEquals(before, hashes(run));
        MainTest.Result agreed = resume(run, original.toArray(String[]::new));
        assertEquals(0, agreed.code(), agreed.err());
        assertTrue(agreed.out().contains("resuming after step 2"), agreed.out());
        assertEquals(3, TinyRuns.records(run, "step").size());
        assertTrue(Files.readString(run.resolve("config.json")).contains("\"seed\" : 3"));
    }

    @Test
    void theIntervalsArePlainOptions() {
        MainTest.Result help = MainTest.run("train", "--help");
        assertTrue(help.out().contains("--eval-every=N") && help.out().contains("--checkpoint-every=N"), help.out());
        TrainCommand.Plan p = plan("train", "--eval-every", "5", "--checkpoint-every", "7");
        assertEquals(5, p.run().train().evalEvery());
        assertEquals(7, p.run().train().checkpointEvery());
    }

    @Test
    void badOptionsAreOneLineNamingTheOption() {
        MainTest.Result task = MainTest.run("train", "--task", "bogus");
        assertEquals(Main.USER_ERROR, task.code());
        assertEquals("error: --task bogus: 'bogus' is not one of [language, vision]", task.err().strip());
        MainTest.Result info = MainTest.run("info", "--task", "bogus");
        assertEquals(Main.USER_ERROR, info.code());
        assertNoStackTrace(info.err());
        MainTest.Result steps = MainTest.run("train", "--steps", "abc");
        assertEquals(Main.USER_ERROR, steps.code());
        assertEquals("error: Invalid value for option '--steps': 'abc' is not an int (jdna train --help lists the"
                + " options)", steps.err().strip());
    }

    @Test
    void aCheckpointWithNonFiniteWeightsIsRefused() {
        Path run = tmp.resolve("run");
        assertEquals(0, train(run, 2).code());
        Path last = run.resolve("checkpoints").resolve(CheckpointStore.folderName(2));
        Checkpoint.Loaded loaded = Checkpoint.load(last);
        Map<String, TensorData> weights = new LinkedHashMap<>(loaded.model());
        TensorData head = weights.get("output.head.weight");
        float[] values = head.values().clone();
        values[3] = Float.NaN;
        weights.put("output.head.weight", new TensorData(head.shape(), values));
        Checkpoint.writeData(last, weights, loaded.optimizer(), loaded.state());

        MainTest.Result e = MainTest.run("eval", run.toString(), "--backend", "reference");
        assertEquals(Main.USER_ERROR, e.code(), e.out());
        assertEquals("error: checkpoint " + last + ": its weights are not finite (1 NaN or infinite values, the first"
                + " NaN in 'output.head.weight' at index 3); it can be neither evaluated nor resumed", e.err().strip());
        MainTest.Result resumed = resume(run, "--steps", "3");
        assertEquals(Main.USER_ERROR, resumed.code());
        assertTrue(resumed.err().contains("its weights are not finite"), resumed.err());
    }

    @Test
    void resumeContinuesPastAGarbageLineInTheMetricsLog() throws IOException {
        Path run = tmp.resolve("run");
        assertEquals(0, train(run, 2).code());
        Path metrics = run.resolve("metrics.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(metrics));
        lines.add(2, "{\"type\": \"step\", garbage");
        Files.write(metrics, lines);

        MainTest.Result resumed = resume(run, "--steps", "3");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.err().contains("note: " + metrics + " line 3 is not a JSON record: left out of the"
                + " continued log"), resumed.err());
        assertEquals(3, TinyRuns.records(run, "step").size());
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

        // it ends with a sample of each model and its word share, recorded in summary.json; can fail: before,
        // it ended with the "Next:" commands and summary.json had no sample
        String out = r.out();
        int samples = out.indexOf("Samples: 200 bytes after \"The jury said\"");
        assertTrue(samples > out.indexOf("Next:"), "the samples come last: " + out);
        WordShare words = WordShare.of(SyntheticText.generate(20_000, 0.1));
        for (Path p : List.of(run, dense)) {
            Map<?, ?> summary = ConfigJson.MAPPER.readValue(p.resolve("summary.json").toFile(), Map.class);
            String text = (String) summary.get("sampleText");
            assertTrue(text.startsWith("The jury said") && text.length() == 13 + 200, text);
            // the word share counts every stream's words (8 samples), the first stream is the text shown
            List<?> streams = (List<?>) summary.get("sampleStreams");
            assertEquals(8, streams.size());
            assertEquals(text, streams.get(0));
            int count = 0;
            int found = 0;
            for (Object stream : streams) {
                assertTrue(((String) stream).startsWith("The jury said") && ((String) stream).length() == 13 + 200);
                WordShare.Count c = words.count(((String) stream).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 13);
                count += c.words();
                found += c.found();
            }
            assertEquals(count, summary.get("sampleWords"));
            assertEquals(found, summary.get("sampleWordsFound"));
            assertTrue(out.indexOf("  " + p.getFileName() + ": word share", samples) > 0, out);
        }
    }
}
