package org.jdna.dna.radial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jdna.dna.cli.Main;
import org.jdna.dna.config.ConfigJson;
import org.jdna.dna.config.ConfigLoader;
import org.jdna.dna.config.ModelConfig;
import org.jdna.dna.data.TokenBatcher;
import org.jdna.dna.model.DnaModel;
import org.jdna.dna.train.TinyRuns;
import org.jdna.dna.train.TrainBatch;
import org.jdna.dna.train.Trainer;
import org.jdna.engine.backend.reference.ReferenceBackendExtension;
import org.jdna.engine.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Issue 7: the residual-ratio profile, checked against the states the model shows its observer. */
@ExtendWith(ReferenceBackendExtension.class)
class ResidualProfilerTest {
    @Test
    void routedVisitsWithUnitWeightsMatchTheStepUpdates() {
        // Radial: K = 1, straight-through weight 1, so a visited step's update h(s+1) - h(s) is the module's f(x).
        ModelConfig c = ConfigLoader.load("radial", null, List.of("model.width=16", "model.heads=2",
                "model.mlpHidden=32", "model.context=8", "model.routerHidden=8", "model.routedSteps=4")).model();
        DnaModel model = new DnaModel(c, 5);
        float[] bias = new float[4 * 7];
        bias[3 * 7 + 6] = 0.1f; // some exits at the last step
        model.setIdentityBias(bias);
        int[] tokens = new int[2 * 8];
        Rng rng = new Rng(6);
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = rng.nextInt(256);
        }
        TrainBatch batch = new TrainBatch.Text(new TokenBatcher.Batch(2, 8, tokens, new int[tokens.length], new int[2]));
        ResidualProfile p = new ResidualProfiler(model).profile(List.of(batch));

        List<float[]> states = new ArrayList<>();
        var out = model.forwardTokens(tokens, 2, (stage, i, h) -> states.add(h.toArray()));
        List<Double> expected = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            expected.clear();
            // Visits are listed module by module, tokens in order within a module.
            for (int e = 0; e < 6; e++) {
                for (int t = 0; t < 16; t++) {
                    if (out.trace().steps().get(s).modules()[t] == e) {
                        expected.add(ResidualProfiler.ratio(states.get(1 + s), t * 16, states.get(2 + s), t * 16, 16));
                    }
                }
            }
            double[] actual = p.byLayer().getOrDefault("step " + (s + 1), new double[0]); // numbered from 1
            assertEquals(expected.size(), actual.length, "visits at step " + s);
            for (int i = 0; i < actual.length; i++) {
                assertEquals(expected.get(i), actual[i], 1e-5, "step " + s + " visit " + i);
            }
        }
        assertEquals(16, p.byLayer().get("backbone 1").length);
        assertTrue(p.byLayer().getOrDefault("step 4", new double[0]).length < 16, "exited tokens are not blocks");
        assertTrue(p.byModule().size() > 1);
    }

    @Test
    void summaryStatistics() {
        ResidualProfile.Summary s = ResidualProfile.summarise(new double[] {0.3, 0.1, 0.2, 0.4, 2.0});
        assertEquals(0.3, s.median(), 1e-12);
        assertEquals(0.6, s.mean(), 1e-12);
        int[] h = s.histogram();
        assertEquals(1, h[4]);      // 0.1 -> bin 4 of 40
        assertEquals(1, h[39]);     // 2.0 -> last bin
        assertEquals(5, java.util.Arrays.stream(h).sum());
        assertArrayEquals(new double[] {}, new double[] {});
        assertTrue(Double.isNaN(ResidualProfile.summarise(new double[0]).median()));
    }

    @Test
    void profileCommandWritesJsonChartsAndPage(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("dense");
        List<String> o = TinyRuns.overrides(run, 2);
        o.add("model.pool=transformer:2");
        Trainer.run(ConfigLoader.load("dense", null, o), TinyRuns.quietOptions());
        StringWriter text = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(text));
        cl.setErr(new PrintWriter(new StringWriter()));
        Path out = dir.resolve("profile");
        assertEquals(0, cl.execute("profile", run.toString(), "--out", out.toString(), "--backend", "reference",
                "--batches", "1"));
        assertTrue(text.toString().contains("overall median"), text.toString());
        for (String f : List.of("residual-profile.json", "residual-profile.html", "residual-ratio-median.png",
                "residual-ratio-median.svg", "residual-ratio-histogram.png", "residual-ratio-histogram.svg")) {
            assertTrue(Files.size(out.resolve(f)) > 100, f);
        }
        Map<?, ?> json = ConfigJson.MAPPER.readValue(out.resolve("residual-profile.json").toFile(), Map.class);
        Map<?, ?> layers = (Map<?, ?>) json.get("layers");
        // numbered from 1, as the report's other charts and tables number steps; can fail: it said step 0 and 1
        assertEquals(List.of("backbone 1", "step 1", "step 2"), new ArrayList<>(layers.keySet()));
        double median = ((Number) ((Map<?, ?>) layers.get("step 2")).get("median")).doubleValue();
        assertTrue(median > 0 && median < 1, "a trained block changes h by a fraction of its size: " + median);
    }
}
