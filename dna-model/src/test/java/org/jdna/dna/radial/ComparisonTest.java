package org.jdna.dna.radial;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The comparison's per-entry overrides (the runs themselves are the integrator's: ./jdna compare --quick). */
class ComparisonTest {
    @Test
    void moeExpertsAreHalfWidthAndTheDistilledRadialUsesTheSameSeedsDenseRunAndBudget() {
        Comparison.Plan plan = new Comparison.Plan(Path.of("out"), List.of(1L, 2L), Comparison.quick(), List.of());
        List<String> moe = Comparison.overrides(plan, "moe", 2);
        assertTrue(moe.contains("model.poolMlpHidden=128"), moe.toString());
        List<String> distil = Comparison.overrides(plan, "radial-distil", 2);
        assertTrue(distil.contains("distil.teacher=" + Path.of("out").resolve("dense-seed2")), distil.toString());
        assertTrue(distil.contains("train.steps=300"), distil.toString());
        assertTrue(Comparison.overrides(plan, "dense", 1).contains("train.outDir=" + Path.of("out", "dense-seed1")));
    }
}
