package org.jdna.dna.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.jdna.dna.config.ConfigJson;
import org.jdna.dna.config.Presets;
import org.jdna.dna.config.VisionConfig;
import org.jdna.dna.data.ImageDataset;
import org.jdna.dna.data.SyntheticImages;
import org.jdna.dna.data.SyntheticText;
import org.jdna.dna.data.TextCorpus;
import org.jdna.dna.io.MetricsLog;
import org.jdna.dna.radial.ResidualProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report end to end on synthetic routings (no model needed): files, embedded charts, JSON numbers equal to
 * the computed ones. Set -Djdna.analysis.keep=DIR to keep the reports for a look in a browser.
 */
class ReportWriterTest {
    static final int STEPS = 4;
    @TempDir
    Path tmp;

    private Path out(String name) {
        String keep = System.getProperty("jdna.analysis.keep");
        return keep == null || keep.isBlank() ? tmp.resolve(name) : Path.of(keep).resolve(name);
    }

    @Test
    void languageReport() throws IOException {
        TextCorpus corpus = SyntheticText.generate(40_000, 0.25);
        TextInputs inputs = new TextInputs(corpus.val(), corpus.tags(), 64, 4096);
        List<Labeling> labels = inputs.labelings();
        AnalysisSettings settings = AnalysisSettings.defaults().withPermutations(40);
        RouteLog trainedRoutes = SyntheticRoutes.following(labels.getFirst(), STEPS, 1);
        ModelAnalysis trained = ModelAnalysis.of("trained", trainedRoutes, inputs, settings);
        ModelAnalysis control = ModelAnalysis.of("random init", SyntheticRoutes.random(inputs.tokens(), STEPS, 2), inputs,
                settings);
        Path metrics = tmp.resolve("metrics.jsonl");
        try (MetricsLog log = MetricsLog.open(metrics, false)) {
            for (int s = 1; s <= 20; s++) {
                log.log(Map.of("step", s, "loss", 3.0 / s, "valLoss", 3.2 / s));
            }
            log.log(Map.of("type", "summary", "step", 20, "valLoss", 0.1234567890123, "valSampleLoss", 0.16,
                    "identityFraction", List.of(0.30000000000000004, 0.29)));
        }
        AnalysisReport report = new AnalysisReport("language", "synthetic", 20, inputs.description(),
                "synthetic uniform routing", settings, ConfigJson.toTree(Presets.get(Presets.DEFAULT)),
                Map.of("valLoss", 0.16), TrainingMetrics.read(metrics), trained, control, null);
        Path dir = out("language");
        ReportWriter.Output o = ReportWriter.write(report, inputs, trainedRoutes, dir);

        String html = Files.readString(o.html(), StandardCharsets.UTF_8);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<figure><img") && html.contains("data:image/svg+xml;base64,"), "charts embedded (flow diagram as SVG)");
        assertFalse(html.contains("<script"), "no scripts");
        assertFalse(html.contains("src=\"http"), "nothing fetched");
        for (String section : List.of("id=\"paths\"", "id=\"specialization\"", "id=\"compute\"", "id=\"flow\"",
                "id=\"training\"", "<mark>")) {
            assertTrue(html.contains(section), section);
        }
        assertChartsValid(o);
        assertTrue(Files.exists(dir.resolve("charts/training-metrics.svg")));
        // the last record, rounded for reading (can fail: it printed Java's 17 digits)
        assertTrue(html.contains("<tr><th>valLoss</th><td>0.1235</td></tr>"), "rounded");
        assertTrue(html.contains("<td>0.3000 0.2900</td>"), "a list element by element");
        assertFalse(html.contains("0.1234567890123") || html.contains("0.30000000000000004"), "no raw doubles");

        JsonNode json = new ObjectMapper().readTree(o.json().toFile());
        JsonNode step0 = json.path("trained").path("specialization").path("perStep").get(0);
        assertEquals("tag", step0.path("label").asText());
        assertEquals(trained.specialization().perStep().getFirst().mi().bits(), step0.path("mi").path("bits").asDouble(),
                1e-12);
        assertEquals(trained.paths().leastSquares().exponent(),
                json.path("trained").path("paths").path("leastSquares").path("exponent").asDouble(), 1e-12);
        assertEquals(control.paths().maximumLikelihood().exponent(),
                json.path("randomInit").path("paths").path("maximumLikelihood").path("exponent").asDouble(), 1e-12);
        assertEquals(inputs.tokens(), json.path("trained").path("tokens").asInt());

        // The synthetic "trained" routing follows the tag, the control does not.
        Specialization.Measurement t = HtmlReport.best(trained, "tag");
        Specialization.Measurement c = HtmlReport.best(control, "tag");
        assertTrue(t.mi().bits() > 10 * c.mi().bits(), t + " vs " + c);
        assertEquals(1.0 / 41, t.test().pValue(), 1e-12);
        assertTrue(c.test().pValue() > 0.01, c.test().toString());
    }

    @Test
    void visionReport() throws IOException {
        ImageDataset data = SyntheticImages.generate(600, 0.1);
        VisionConfig vision = VisionConfig.fashionMnist(); // 28x28, 4x4 patches, mean pooling: 49 positions
        ImageInputs inputs = new ImageInputs(data.test(), data.classNames(), vision, 60);
        assertEquals(60 * 49, inputs.tokens());
        AnalysisSettings settings = AnalysisSettings.defaults().withPermutations(20);
        RouteLog trainedRoutes = SyntheticRoutes.following(inputs.labelings().getFirst(), STEPS, 3);
        ModelAnalysis trained = ModelAnalysis.of("trained", trainedRoutes, inputs, settings);
        ModelAnalysis control = ModelAnalysis.of("random init", SyntheticRoutes.random(inputs.tokens(), STEPS, 4), inputs,
                settings);
        AnalysisReport report = new AnalysisReport("vision", "synthetic", 0, inputs.description(), "synthetic",
                settings, ConfigJson.toTree(Presets.get("vision-dna-top2")), Map.of(), TrainingMetrics.none(), trained,
                control, null);
        ReportWriter.Output o = ReportWriter.write(report, inputs, trainedRoutes, out("vision"));
        String html = Files.readString(o.html(), StandardCharsets.UTF_8);
        assertTrue(html.contains("data:image/png;base64,"), "example patches as images");
        assertTrue(html.contains("Not measured for this report"), "no residual profile given");
        assertTrue(html.contains("No metrics.jsonl"));
        assertChartsValid(o);
        assertTrue(Files.exists(o.html().resolveSibling("charts/compute-per-image.svg")));
        assertEquals("class", trained.specialization().perPath().getFirst().label());
        assertEquals(60, trained.compute().perUnit().counts().length == 0 ? 0
                : java.util.Arrays.stream(trained.compute().perUnit().counts()).sum());
    }

    @Test
    void aDenseModelWithASinglePathStillGivesAReport() throws IOException {
        // Forced routing (the dense special case): step s always runs module s, no identity module, one path.
        TextCorpus corpus = SyntheticText.generate(20_000, 0.25);
        TextInputs inputs = new TextInputs(corpus.val(), corpus.tags(), 32, 512);
        org.jdna.dna.config.ModulePool pool = org.jdna.dna.config.ModulePool.of(
                org.jdna.dna.config.ModuleKind.TRANSFORMER, 3);
        int[][] modules = new int[3][inputs.tokens()];
        for (int s = 0; s < 3; s++) {
            java.util.Arrays.fill(modules[s], s);
        }
        RouteLog routes = new RouteLog(pool, 1, modules);
        AnalysisSettings settings = AnalysisSettings.defaults().withPermutations(10);
        ModelAnalysis dense = ModelAnalysis.of("trained", routes, inputs, settings);
        assertEquals(1, dense.paths().distinct());
        assertTrue(Double.isNaN(dense.paths().maximumLikelihood().exponent()), "one path: no exponent");
        assertEquals(0, dense.specialization().perStep().getFirst().mi().bits(), 1e-12);
        assertEquals(1.0, dense.specialization().perStep().getFirst().test().pValue(), 1e-12);
        assertEquals(3.0, dense.compute().meanPerToken(), 1e-12);
        ModelAnalysis control = ModelAnalysis.of("random init", routes, inputs, settings); // forced: init routes alike
        // the dense model's residual profile (issue 7): step 1's ratios 0.1, 0.2, 0.3 -> median 0.2
        Map<String, double[]> layers = new java.util.LinkedHashMap<>();
        layers.put("backbone 1", new double[] {0.5, 0.5});
        layers.put("step 1", new double[] {0.3, 0.1, 0.2});
        ResidualSummary residual = ResidualSummary.of(new ResidualProfile(layers, Map.of()), "3 batches", 3);
        AnalysisReport report = new AnalysisReport("language", "dense", 0, inputs.description(), "itself", settings,
                null, Map.of(), TrainingMetrics.none(), dense, control, residual);
        ReportWriter.Output o = ReportWriter.write(report, inputs, routes, out("dense"));
        String html = Files.readString(o.html(), StandardCharsets.UTF_8);
        assertTrue(html.contains("&ndash;"), "undefined exponents shown as a dash");
        assertChartsValid(o);
        assertTrue(html.contains("<h2 id=\"residual\">Residual ratio</h2>"), "residual section");
        assertTrue(html.contains("<tr><th>step 1</th><td>3</td><td>0.2000</td>"), "step 1: 3 visits, median 0.2");
        assertTrue(o.charts().stream().anyMatch(p -> p.getFileName().toString().equals("residual-ratio-median.svg")));
        assertTrue(o.charts().stream().anyMatch(p -> p.getFileName().toString().equals("residual-ratio-histogram.png")));
        JsonNode json = new ObjectMapper().readTree(o.json().toFile());
        assertEquals(0.2, json.path("residual").path("layers").path("step 1").path("median").asDouble(), 1e-12);
        assertEquals(0.3, json.path("residual").path("overallMedian").asDouble(), 1e-12, "median of 0.1 0.2 0.3 0.5 0.5");
        assertEquals("NaN", json.path("trained").path("paths").path("maximumLikelihood").path("exponent").asText());
    }

    private static void assertChartsValid(ReportWriter.Output o) throws IOException {
        assertTrue(o.charts().size() >= 16, o.charts().toString());
        for (Path p : o.charts()) {
            byte[] b = Files.readAllBytes(p);
            if (p.toString().endsWith(".png")) {
                assertEquals((byte) 0x89, b[0], p.toString());
                assertEquals('P', b[1], p.toString());
            } else {
                String s = new String(b, StandardCharsets.UTF_8);
                assertTrue(s.contains("<svg") && s.contains("</svg>"), p.toString());
            }
        }
    }
}
