package org.jdna.dna.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.RunConfig;
import org.jdna.dna.io.Checkpoint;
import org.jdna.dna.io.CheckpointStore;
import org.jdna.dna.io.TensorData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrainerTest {
    @TempDir
    Path tmp;

    @Test
    void sameSeedSameBackendGivesBitIdenticalLosses() {
        RunSummary a = Trainer.run(TinyRuns.config(tmp.resolve("a"), 5), TinyRuns.quietOptions());
        RunSummary b = Trainer.run(TinyRuns.config(tmp.resolve("b"), 5), TinyRuns.quietOptions());
        List<Double> la = TinyRuns.losses(tmp.resolve("a"));
        assertEquals(5, la.size());
        assertEquals(la, TinyRuns.losses(tmp.resolve("b")));
        assertEquals(a.finalEval().loss(), b.finalEval().loss());
        // can fail: another seed draws other batches and weights
        Trainer.run(TinyRuns.config(tmp.resolve("c"), 5, "train.seed=2"), TinyRuns.quietOptions());
        assertNotEquals(la, TinyRuns.losses(tmp.resolve("c")));
    }

    @Test
    void lossGoesDown() {
        RunSummary s = Trainer.run(TinyRuns.config(tmp.resolve("run"), 30, "train.lr=0.01"), TinyRuns.quietOptions());
        List<Double> l = TinyRuns.losses(tmp.resolve("run"));
        assertTrue(l.getLast() < l.getFirst() - 0.5, "loss " + l.getFirst() + " -> " + l.getLast());
        assertTrue(s.finalEval().loss() < Math.log(256) - 0.5, "val loss " + s.finalEval().loss());
    }

    @Test
    void resumeContinuesBitIdentically() {
        Path straight = tmp.resolve("straight");
        Trainer.run(TinyRuns.config(straight, 6, "train.checkpointEvery=3"), TinyRuns.quietOptions());

        Path split = tmp.resolve("split");
        RuntimeException crash = assertThrows(RuntimeException.class, () -> Trainer.run(
                TinyRuns.config(split, 6, "train.checkpointEvery=3"), TinyRuns.quietOptions().withHooks((step, m) -> {
                    if (step == 4) {
                        throw new IllegalStateException("simulated crash before step 4");
                    }
                })));
        assertEquals("simulated crash before step 4", crash.getMessage());
        assertEquals(3, TinyRuns.losses(split).size());
        Trainer.run(TinyRuns.config(split, 6, "train.checkpointEvery=3"), TinyRuns.quietOptions().withResume(true));

        assertEquals(TinyRuns.losses(straight), TinyRuns.losses(split));
        Checkpoint.Loaded a = Checkpoint.load(straight.resolve("checkpoints").resolve(CheckpointStore.folderName(6)));
        Checkpoint.Loaded b = Checkpoint.load(split.resolve("checkpoints").resolve(CheckpointStore.folderName(6)));
        assertEquals(a.model().keySet(), b.model().keySet());
        for (Map.Entry<String, TensorData> e : a.model().entrySet()) {
            assertEquals(e.getValue(), b.model().get(e.getKey()), "weights of " + e.getKey());
        }
        assertEquals(a.optimizer(), b.optimizer());
        assertEquals(a.state().metrics(), b.state().metrics());
        assertTrue(a.model().containsKey("identity_bias"), "the controller's biases are in the state dict");
    }

    @Test
    void timingStepsPastTheLastCheckpointWritesNothing() throws IOException {
        Path run = tmp.resolve("timed");
        RunConfig config = TinyRuns.config(run, 3, "train.checkpointEvery=3");
        Trainer.run(config, TinyRuns.quietOptions());
        Map<Path, String> before = contents(run);
        double tokensPerSecond = Trainer.timeSteps(config, TinyRuns.quietOptions(), 1, 2);
        assertTrue(tokensPerSecond > 0 && Double.isFinite(tokensPerSecond), "tokens/s " + tokensPerSecond);
        assertEquals(before, contents(run), "the run's folder after timing steps past its last checkpoint");

        RunConfig none = TinyRuns.config(tmp.resolve("never-trained"), 3);
        ConfigException e = assertThrows(ConfigException.class,
                () -> Trainer.timeSteps(none, TinyRuns.quietOptions(), 1, 2));
        assertTrue(e.getMessage().contains("never-trained") && e.getMessage().contains("no checkpoint"), e.getMessage());
    }

    /** Every file under {@code root}, by path, as the SHA-256 of its bytes. */
    private static Map<Path, String> contents(Path root) throws IOException {
        Map<Path, String> files = new TreeMap<>();
        try (var paths = Files.walk(root)) {
            for (Path p : paths.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p), HexFormat.of().formatHex(sha256(Files.readAllBytes(p))));
            }
        }
        return files;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    /** NaN in the output head reaches the loss; NaN in the embeddings reaches the routers' top-k first. */
    @ParameterizedTest
    @CsvSource({"output.head.weight, the loss is NaN", "input.tok.weight, a non-finite value reached the model"})
    void divergenceStopsAndKeepsTheLastGoodCheckpoint(String parameter, String reason) {
        Path run = tmp.resolve("run");
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> Trainer.run(
                TinyRuns.config(run, 10, "train.checkpointEvery=2"), TinyRuns.quietOptions().withHooks((step, m) -> {
                    if (step == 5) {
                        m.namedParameters().get(parameter).fill(Float.NaN);
                    }
                })));
        assertEquals(5, e.step());
        assertTrue(e.getMessage().startsWith("training diverged at step 5: " + reason), e.getMessage());
        Path good = run.resolve("checkpoints").resolve(CheckpointStore.folderName(4));
        assertTrue(e.getMessage().contains(good.toString()), e.getMessage());
        assertEquals(good, e.lastGoodCheckpoint());
        assertEquals(good, new CheckpointStore(run, 3).latest().orElseThrow());
        assertFalse(Files.exists(run.resolve("checkpoints").resolve(CheckpointStore.folderName(5))));
        Checkpoint.Loaded kept = Checkpoint.load(good);
        for (TensorData t : kept.model().values()) {
            for (float v : t.values()) {
                assertTrue(Float.isFinite(v), "the kept checkpoint holds finite weights");
            }
        }
        assertEquals(1, TinyRuns.records(run, "diverged").size());
    }

    /**
     * The summary publishes the loss over every validation byte (bits per byte beside it) and keeps the fast
     * sample under its own name; the final checkpoint reproduces both. Can fail: before, summary.json's valLoss
     * was the sample's 64 bytes.
     */
    @Test
    void theSummaryPublishesTheWholeValidationSplitBesideTheSample() throws IOException {
        Path run = tmp.resolve("run");
        RunSummary s = Trainer.run(TinyRuns.config(run, 3), TinyRuns.quietOptions());
        int valBytes = org.jdna.dna.data.SyntheticText.generate(20_000, 0.1).val().length();
        assertEquals(valBytes - 1, s.finalEval().targets(), "every validation byte but the first");
        assertEquals(2 * 2 * 16, s.sampleEval().targets(), "the sample: 2 batches of 2 windows of 16");

        Map<?, ?> json = org.jdna.dna.config.ConfigJson.MAPPER.readValue(run.resolve(RunDirectory.SUMMARY).toFile(),
                Map.class);
        assertEquals(s.finalEval().loss(), ((Number) json.get("valLoss")).doubleValue());
        assertEquals(s.finalEval().loss() / Math.log(2), ((Number) json.get("valBitsPerByte")).doubleValue(), 1e-12);
        assertEquals(valBytes - 1, ((Number) json.get("valTargets")).intValue());
        Map<String, Object> lastEval = TinyRuns.records(run, "eval").getLast();
        assertEquals(lastEval.get("valSampleLoss"), json.get("valSampleLoss"), "the progress figure, named as such");
        assertFalse(lastEval.containsKey("valLoss"), "eval records hold the sample only: " + lastEval);

        TrainedModel m = TrainedModel.load(run, "reference", 0);
        TaskData data = TaskData.open(m.config(), new Datasets(line -> { }));
        assertEquals(s.finalEval().loss(), Evaluator.evaluate(m.model(), data.heldOutBatches().batches()).loss());
        assertEquals(s.sampleEval().loss(), Evaluator.evaluate(m.model(), data.evalBatches()).loss());
        assertEquals(s.finalEval().loss(), m.state().metrics().get("valLoss"), "the final checkpoint records it");
    }

    @Test
    void visionRunsClassifyAndReportAccuracy() {
        Path run = tmp.resolve("vision");
        RunSummary s = Trainer.run(org.jdna.dna.config.ConfigLoader.load("vision-dna-top2", null, List.of(
                "model.width=16", "model.heads=2", "model.mlpHidden=32", "model.routedSteps=2", "vision.patchSize=7",
                "train.batchSize=8", "train.steps=12", "train.lr=0.01", "train.warmupSteps=2", "train.evalBatches=4",
                "train.evalEvery=0", "train.checkpointEvery=0", "train.backend=reference", "train.outDir=" + run,
                "data.dataset=synthetic-images", "data.syntheticSize=400", "data.valFraction=0.1")),
                TinyRuns.quietOptions());
        assertEquals(32, s.sampleEval().targets(), "the fast sample: 4 held-out batches of 8 images");
        // synthetic-images of 400 training images has max(10, 400 / 6) = 66 test images: the published figure
        assertEquals(66, s.finalEval().targets(), "the whole test split");
        // each accuracy is the share of images whose largest logit is their label, counted here afresh
        TrainedModel m = TrainedModel.load(run, "reference", 0);
        TaskData data = TaskData.open(m.config(), new Datasets(line -> { }));
        assertEquals(s.sampleEval().accuracy(), accuracy(m, data.evalBatches(), 32));
        assertEquals(s.finalEval().accuracy(), accuracy(m, data.heldOutBatches().batches(), 66));
        List<Double> l = TinyRuns.losses(run);
        assertEquals(12, l.size());
        assertTrue(l.stream().allMatch(Double::isFinite));
        assertEquals(16 * 8, s.tokens() / 12, "tokens per step = B x patches (16 patches of 7x7)");
    }

    private static double accuracy(TrainedModel m, List<TrainBatch> batches, int expectedImages) {
        int correct = 0;
        int images = 0;
        for (TrainBatch b : batches) {
            float[] logits = b.forward(m.model()).logits().toArray();
            int classes = logits.length / b.targets().length;
            for (int i = 0; i < b.targets().length; i++, images++) {
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    best = logits[i * classes + c] > logits[i * classes + best] ? c : best;
                }
                correct += best == b.targets()[i] ? 1 : 0;
            }
        }
        assertEquals(expectedImages, images);
        return correct / (double) images;
    }

    /** A warm-up as long as the run would raise the learning rate to its last step; a tenth of the run instead. */
    @Test
    void aRunShorterThanItsWarmupIsScaledAndTheBannerSaysSo() {
        StringWriter out = new StringWriter();
        Trainer.run(TinyRuns.config(tmp.resolve("run"), 6, "train.warmupSteps=10", "train.lr=0.01"),
                TrainOptions.of(new PrintWriter(out), new PrintWriter(new StringWriter())));
        assertTrue(out.toString().contains("warmup 1 (train.warmupSteps = 10 is not shorter than the run: a tenth of"
                + " it)"), out.toString());
        List<Double> lr = TinyRuns.records(tmp.resolve("run"), "step").stream()
                .map(r -> ((Number) r.get("lr")).doubleValue()).toList();
        assertEquals(0.01, lr.getFirst(), 1e-12, "the peak after one warm-up step");
        for (int i = 1; i < lr.size(); i++) {
            assertTrue(lr.get(i) <= lr.get(i - 1), "no rise after the warm-up: " + lr);
        }
        assertTrue(lr.getLast() < 0.5 * lr.getFirst(), "cosine decay to the end: " + lr);
        StringWriter kept = new StringWriter();
        Trainer.run(TinyRuns.config(tmp.resolve("kept"), 6, "train.warmupSteps=5"),
                TrainOptions.of(new PrintWriter(kept), new PrintWriter(new StringWriter())));
        assertTrue(kept.toString().contains("warmup 5, cosine"), "a warm-up shorter than the run is kept: " + kept);
    }

    @Test
    void aFreshRunDoesNotOverwriteAnEarlierOneUnlessAsked() {
        Path run = tmp.resolve("run");
        Trainer.run(TinyRuns.config(run, 2), TinyRuns.quietOptions());
        var e = assertThrows(ConfigException.class,
                () -> Trainer.run(TinyRuns.config(run, 2), TinyRuns.quietOptions()));
        assertTrue(e.getMessage().contains("already holds a run"), e.getMessage());
        Trainer.run(TinyRuns.config(run, 3), TinyRuns.quietOptions().withOverwrite(true));
        assertEquals(3, TinyRuns.losses(run).size());
    }
}
