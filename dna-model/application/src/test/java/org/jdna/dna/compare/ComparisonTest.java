package org.jdna.dna.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.ConfigLoader;
import org.jdna.dna.config.RunConfig;
import org.jdna.dna.config.Task;
import org.junit.jupiter.api.Test;

/** The comparison's per-entry overrides and table (the runs themselves are the integrator's: ./jdna compare --quick). */
class ComparisonTest {
    @Test
    void moeExpertsAreHalfWidthAndTheDistilledRadialUsesTheSameSeedsDenseRunAndBudget() {
        Comparison.Plan plan = new Comparison.Plan(Task.LANGUAGE, Path.of("out"), List.of(1L, 2L),
                Comparison.quick(Task.LANGUAGE), List.of(), false);
        List<String> moe = Comparison.overrides(plan, Comparison.entry(Task.LANGUAGE, "moe"), 2);
        assertTrue(moe.contains("model.poolMlpHidden=128"), moe.toString());
        List<String> distil = Comparison.overrides(plan, Comparison.entry(Task.LANGUAGE, "radial-distil"), 2);
        assertTrue(distil.contains("distil.teacher=" + Path.of("out").resolve("dense-seed2")), distil.toString());
        assertTrue(distil.contains("train.steps=300"), distil.toString());
        assertTrue(Comparison.overrides(plan, Comparison.entry(Task.LANGUAGE, "dense"), 1)
                .contains("train.outDir=" + Path.of("out", "dense-seed1")));
    }

    @Test
    void languageBudgetIsTwelveThousandStepsOfSixteenSequencesOfSixtyFourBytesForEveryEntry() {
        Comparison.Plan plan = new Comparison.Plan(Task.LANGUAGE, Path.of("out"), List.of(1L),
                Comparison.budget(Task.LANGUAGE), List.of(), false);
        for (Comparison.Entry e : Comparison.entries(Task.LANGUAGE)) {
            RunConfig c = ConfigLoader.load(e.preset(), null, Comparison.overrides(plan, e, 1));
            assertEquals(12_288_000L, c.train().steps() * c.train().batchSize() * (long) c.model().context(), e.id());
            assertEquals(12000, c.train().steps(), e.id());
            assertEquals(0, c.train().steps() % c.train().checkpointEvery(), e.id() + ": the last step is a checkpoint");
        }
    }

    @Test
    void visionTableHasADenseVitAtEachDnasActiveDepth() {
        Comparison.Plan plan = new Comparison.Plan(Task.VISION, Path.of("out"), List.of(1L), Comparison.quick(Task.VISION),
                List.of(), false);
        RunConfig dense10 = ConfigLoader.load("vision-dense", null,
                Comparison.overrides(plan, Comparison.entry(Task.VISION, "vision-dense-10"), 1));
        assertEquals(Task.VISION, dense10.model().task());
        assertEquals(9, dense10.model().routedSteps());
        assertEquals(9, dense10.model().pool().size());
        assertTrue(dense10.model().forcedRouting());
        assertEquals(Path.of("out", "vision-dense-10-seed1").toString(), dense10.train().outDir());
        RunConfig top2 = ConfigLoader.load("vision-dna-top2", null,
                Comparison.overrides(plan, Comparison.entry(Task.VISION, "vision-dna-top2"), 1));
        assertEquals(0.25, top2.model().identityTarget());
        // 1 backbone block + 6 steps x 2 picks x (1 - r) = 10 block visits per patch = the dense 10's depth
        assertEquals(1 + dense10.model().routedSteps(),
                top2.model().backboneBlocks() + top2.model().routedSteps() * top2.model().topK() * (1 - 0.25), 1e-9);

        ConfigException unknown = assertThrows(ConfigException.class, () -> Comparison.entry(Task.VISION, "moe"));
        assertTrue(unknown.getMessage().contains("vision-dna-top1"), unknown.getMessage());
    }

    @Test
    void visionBudgetIsFifteenEpochsOfSevenBySevenPatchesForEveryEntry() {
        Comparison.Plan plan = new Comparison.Plan(Task.VISION, Path.of("out"), List.of(1L), Comparison.budget(Task.VISION),
                List.of(), false);
        for (Comparison.Entry e : Comparison.entries(Task.VISION)) {
            RunConfig c = ConfigLoader.load(e.preset(), null, Comparison.overrides(plan, e, 1));
            assertEquals(7, c.model().vision().patchSize(), e.id());
            assertEquals(64, c.model().width(), e.id());
            // 55,000 training images (Fashion-MNIST's 60,000 less the 1/12 held out)
            assertEquals(15.0, c.train().steps() * (double) c.train().batchSize() / 55_000, 0.02, e.id());
        }
    }

    @Test
    void visionTableLeadsWithTestAccuracyMeanAndHalfRange() {
        Comparison.Plan plan = new Comparison.Plan(Task.VISION, Path.of("out"), List.of(1L, 2L), List.of(), List.of(), false);
        Map<String, Object> a = Map.of("testLoss", 0.5, "testAccuracy", 0.80, "activeParamsPerToken", 1000.0,
                "totalParams", 2000, "forwardFlopsPerToken", 3000.0, "layerVisitsPerToken", 7.0, "tokensPerSecond", 100.0,
                "inferenceTokensPerSecond", 400.0, "trainTokensPerSecondAlone", 250.0);
        Map<String, Object> b = new java.util.HashMap<>(a);
        b.put("testAccuracy", 0.84);
        String table = Comparison.markdown(List.of(new Comparison.Row("vision-dense", "Dense ViT", List.of(a, b))), plan);
        assertTrue(table.startsWith("| model | test accuracy (mean ± sd) | vs first row (points) | test loss | active params / patch |"), table);
        assertTrue(table.contains("| Dense ViT | 82.00% ± 2.83 | - | 0.5000 |"), table);
    }

    @Test
    void languageTableGivesTheWholeSplitLossWithBitsPerByte() {
        Comparison.Plan plan = new Comparison.Plan(Task.LANGUAGE, Path.of("out"), List.of(1L, 2L), List.of(), List.of(), false);
        Map<String, Object> a = new java.util.HashMap<>(Map.of("valLoss", 2.0, "valBitsPerByte", 2.0 / Math.log(2),
                "valSampleLoss", 1.9, "activeParamsPerToken", 1000.0, "totalParams", 2000,
                "forwardFlopsPerToken", 3000.0, "layerVisitsPerToken", 7.0, "tokensPerSecond", 100.0,
                "inferenceTokensPerSecond", 400.0));
        a.put("trainTokensPerSecondAlone", 250.0);
        Map<String, Object> b = new java.util.HashMap<>(a);
        b.put("valLoss", 2.2);
        b.put("valBitsPerByte", 2.2 / Math.log(2));
        String table = Comparison.markdown(List.of(new Comparison.Row("dense", "Dense", List.of(a, b))), plan);
        assertTrue(table.startsWith("| model | val loss (mean ± sd) | vs first row | bits/byte | active params / token |"), table);
        assertTrue(table.contains("| Dense | 2.1000 ± 0.1414 | - | 3.0297 |"), table);
        assertTrue(table.contains("over the whole validation split"), table);
        // tokens/s timed alone after the sweep, not the trainer's own figure from runs that shared the cores
        assertTrue(table.contains("| 7.00 | 250 | 400 |"), table);
    }
}
