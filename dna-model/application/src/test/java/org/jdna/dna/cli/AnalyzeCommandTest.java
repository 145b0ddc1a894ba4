package org.jdna.dna.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.jdna.dna.config.ConfigJson;
import org.jdna.dna.config.ModelConfig;
import org.jdna.dna.config.RunConfig;
import org.jdna.dna.io.Checkpoint;
import org.jdna.dna.io.CheckpointState;
import org.jdna.dna.train.TinyRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train -> analyze end to end on tiny runs, and the refusals of bad checkpoints. */
class AnalyzeCommandTest {
    @TempDir
    Path tmp;

    private static void assertNoStackTrace(String err) {
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace expected:\n" + err);
    }

    private static MainTest.Result analyze(Path checkpoint, String... more) {
        List<String> args = new ArrayList<>(List.of("analyze", checkpoint.toString(), "--permutations", "10"));
        args.addAll(List.of(more));
        return MainTest.run(args.toArray(String[]::new));
    }

    @Test
    void languageRunIsAnalysedIntoReportJsonAndCharts() throws IOException {
        Path run = tmp.resolve("lang");
        MainTest.Result t = TrainCommandTest.train(run, 3);
        assertEquals(0, t.code(), t.err());
        MainTest.Result a = analyze(run, "--tokens", "256");
        assertEquals(0, a.code(), a.err());
        Path out = run.resolve("analysis/step-00000003");
        assertTrue(a.out().contains(out.resolve("report.html").toAbsolutePath().toString()), a.out());
        assertTrue(Files.size(out.resolve("report.html")) > 10_000);
        assertTrue(Files.exists(out.resolve("charts/paths-rank-frequency.svg")));
        assertTrue(Files.exists(out.resolve("charts/flow-diagram-trained.png")));
        assertTrue(Files.exists(out.resolve("charts/training-metrics.png")), "metrics.jsonl of the run is found");

        JsonNode json = new ObjectMapper().readTree(out.resolve("analysis.json").toFile());
        assertEquals("language", json.path("task").asText());
        assertEquals(3, json.path("checkpointStep").asInt());
        assertEquals(256, json.path("trained").path("tokens").asInt(), "16 windows of T = 16");
        assertEquals(256, json.path("randomInit").path("tokens").asInt());
        assertEquals(2, json.path("trained").path("steps").asInt());
        assertTrue(json.path("trained").path("specialization").path("perStep").size() == 3 * 2, "3 labelings x S");
        assertEquals(10, json.path("settings").path("permutations").asInt());
        assertTrue(json.path("control").asText().contains("seed 2"), json.path("control").asText());
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("step-00000003"));
        // the residual-ratio profile of the same checkpoint (issue 7): backbone block + S = 2 routed steps
        JsonNode layers = json.path("residual").path("layers");
        assertEquals(3, layers.size(), layers.toString());
        double median = json.path("residual").path("overallMedian").asDouble();
        assertTrue(median > 0 && median < 1, "a ratio: " + median);
        assertTrue(Files.exists(out.resolve("charts/residual-ratio-median.svg")));
        assertTrue(html.contains("<h2 id=\"residual\">Residual ratio</h2>"));
    }

    /** The training curves are a side dish: a metrics log that cannot be read does not stop the analysis. */
    @Test
    void aGarbageLineInTheMetricsLogIsANoteNotAStackTrace() throws IOException {
        Path run = tmp.resolve("lang");
        assertEquals(0, TrainCommandTest.train(run, 2).code());
        Path metrics = run.resolve("metrics.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(metrics));
        lines.add(1, "not json at all");
        Files.write(metrics, lines);
        MainTest.Result a = analyze(run, "--tokens", "64");
        assertEquals(0, a.code(), a.err());
        assertNoStackTrace(a.err());
        assertTrue(Files.exists(run.resolve("analysis/step-00000002/report.html")));
        for (String line : a.err().split("\n")) {
            if (line.contains("training curves")) {
                assertTrue(line.startsWith("note: the report leaves out the training curves: ")
                        && line.contains("metrics.jsonl"), line);
            }
        }
    }

    @Test
    void visionRunIsAnalysedWithImagesAsUnits() throws IOException {
        Path run = tmp.resolve("vis");
        MainTest.Result t = TrainCommandTest.train(run, 2, "--preset", "vision-dna-top2", "--set",
                "data.dataset=synthetic-images", "--set", "data.syntheticSize=120", "--set", "model.vision.patchSize=7");
        assertEquals(0, t.code(), t.err());
        Path out = tmp.resolve("vis-report");
        MainTest.Result a = analyze(run, "--images", "12", "--out", out.toString());
        assertEquals(0, a.code(), a.err());
        JsonNode json = new ObjectMapper().readTree(out.resolve("analysis.json").toFile());
        assertEquals("vision", json.path("task").asText());
        assertEquals(12 * 16, json.path("trained").path("tokens").asInt(), "12 images of 16 patches");
        assertEquals("image", json.path("trained").path("compute").path("unit").asText());
        assertEquals("class", json.path("trained").path("specialization").path("perPath").get(0).path("label").asText());
        assertTrue(Files.exists(out.resolve("charts/compute-per-image.svg")));
    }

    @Test
    void aTruncatedCheckpointIsRefusedNamingTheFile() throws IOException {
        Path run = tmp.resolve("bad");
        assertEquals(0, TrainCommandTest.train(run, 2).code());
        Path ckpt = run.resolve("checkpoints/step-00000002");
        Path weights = ckpt.resolve(Checkpoint.MODEL);
        byte[] b = Files.readAllBytes(weights);
        Files.write(weights, java.util.Arrays.copyOf(b, b.length / 2));
        MainTest.Result a = analyze(ckpt);
        assertEquals(Main.USER_ERROR, a.code(), a.err());
        assertTrue(a.err().startsWith("error: ") && a.err().contains(Checkpoint.MODEL), a.err());
        assertNoStackTrace(a.err());
    }

    @Test
    void aCheckpointWhoseTensorsComeFromAnotherArchitectureIsRefused() throws IOException {
        Path run = tmp.resolve("other");
        assertEquals(0, TrainCommandTest.train(run, 2).code());
        Path ckpt = run.resolve("checkpoints/step-00000002");
        Checkpoint.Loaded loaded = Checkpoint.load(ckpt);
        // The same tensors, but state.json claims a wider model: what a hand-edited or mixed-up folder looks like.
        ObjectNode wider = (ObjectNode) ConfigJson.toTree(loaded.state().config().model());
        wider.put("width", 32).put("mlpHidden", 64);
        RunConfig claimed = loaded.state().config().withModel(ConfigJson.bind(wider, ModelConfig.class, "test"));
        CheckpointState s = loaded.state();
        Path forged = tmp.resolve("forged");
        Checkpoint.writeData(forged, loaded.model(), loaded.optimizer(), new CheckpointState(s.step(), claimed,
                s.rngStates(), s.dataState(), s.metrics(), s.extra()));
        MainTest.Result a = analyze(forged);
        assertEquals(Main.USER_ERROR, a.code(), a.err());
        assertTrue(a.err().contains("has shape") && a.err().contains("expects"), a.err());
        assertNoStackTrace(a.err());
    }

    @Test
    void badOptionsAreUserErrors() {
        MainTest.Result a = MainTest.run("analyze", tmp.toString(), "--tokens", "0");
        assertEquals(Main.USER_ERROR, a.code());
        assertTrue(a.err().contains("--tokens 0: must be >= 1") && !a.err().contains("--images"), a.err());
        MainTest.Result b = MainTest.run("analyze", tmp.toString(), "--batch", "0", "--permutations", "-1");
        assertEquals(Main.USER_ERROR, b.code());
        assertTrue(b.err().contains("--permutations -1, --batch 0: must be >= 1") && !b.err().contains("null"),
                b.err());
    }

    @Test
    void defaultOutputFolderSitsInTheRun() {
        assertEquals(Path.of("/r/analysis/step-00000010"),
                AnalyzeCommand.defaultOut(Path.of("/r/checkpoints/step-00000010")));
        assertEquals(Path.of("/x/ckpt-analysis"), AnalyzeCommand.defaultOut(Path.of("/x/ckpt")));
    }
}
