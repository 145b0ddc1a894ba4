package org.jdna.dna.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import org.jdna.dna.config.Presets;
import org.jdna.dna.config.RunConfig;
import org.jdna.dna.model.ComputeAccount;
import org.jdna.engine.memory.MemoryStats;
import org.junit.jupiter.api.Test;

/** The identity-fraction gap of the run summary: measured against each step's own target. */
class RunSummaryTest {
    private static RunSummary summary(RunConfig config, double... identityPerStep) {
        return new RunSummary("run", config, Path.of("runs/x"), Path.of("runs/x/checkpoints/step-1"), 1, 10, 1, 1, 10,
                new EvalResult(2.0, 0.3, 10), new EvalResult(1.9, 0.3, 5), 2.0, new ComputeAccount(100, 50, 100),
                identityPerStep, MemoryStats.NONE, null);
    }

    @Test
    void flatTargetGapIsTheLargestDistanceFromR() {
        RunSummary s = summary(Presets.get("dna-top2"), 0.30, 0.28, 0.35, 0.30, 0.30, 0.31);
        assertFalse(s.identityTargetRamped());
        assertEquals(0.05, s.identityDeviation(), 1e-12);
    }

    @Test
    void rampedTargetGapIsMeasuredAgainstEachStepsRamp() {
        RunConfig radial = Presets.get("radial");
        int steps = radial.model().routedSteps();
        double r = radial.model().identityTarget();
        double[] onTarget = new double[steps];
        for (int s = 0; s < steps; s++) {
            onTarget[s] = Math.min(0.95, 2 * r * (s + 1) / (steps + 1));
        }
        RunSummary exact = summary(radial, onTarget);
        assertTrue(exact.identityTargetRamped());
        assertEquals(0, exact.identityDeviation(), 1e-12, "a run on its ramp has no gap, though no step equals r");
        onTarget[steps - 1] += 0.04;
        assertEquals(0.04, summary(radial, onTarget).identityDeviation(), 1e-12);

        StringWriter text = new StringWriter();
        SummaryReport.print(new PrintWriter(text), summary(radial, onTarget), "synthetic");
        assertTrue(text.toString().contains("ramped per step: "), text.toString());
        assertTrue(text.toString().contains("(largest gap 4.0 points)"), text.toString());
    }
}
