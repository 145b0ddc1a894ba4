package org.jdna.dna.compare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.jdna.dna.config.Task;

class ComparisonCurvesTest {
    @TempDir
    Path dir;

    /** Steps 1-4 of 10 tokens at 100 forward FLOPs per token (300 training FLOPs per token), evaluations at 2 and 4. */
    private static String run(double lossAt2, double lossAt4) {
        return String.join("\n",
                "{\"type\":\"start\",\"step\":0,\"tokensPerStep\":10}",
                "{\"type\":\"step\",\"step\":1,\"forwardFlopsPerToken\":100.0}",
                "{\"type\":\"step\",\"step\":2,\"forwardFlopsPerToken\":100.0}",
                "{\"type\":\"eval\",\"step\":2,\"valSampleLoss\":" + lossAt2 + "}",
                "{\"type\":\"step\",\"step\":3,\"forwardFlopsPerToken\":100.0}",
                // killed after step 3 and resumed from the checkpoint at step 2: step 3 is logged again
                "{\"type\":\"start\",\"step\":2,\"tokensPerStep\":10}",
                "{\"type\":\"step\",\"step\":3,\"forwardFlopsPerToken\":100.0}",
                "{\"type\":\"step\",\"step\":4,\"forwardFlopsPerToken\":200.0}",
                "{\"type\":\"eval\",\"step\":4,\"valSampleLoss\":" + lossAt4 + "}", "");
    }

    private Path write(String name, String metrics) throws IOException {
        Path run = Files.createDirectories(dir.resolve(name));
        Files.writeString(run.resolve("metrics.jsonl"), metrics);
        return run;
    }

    @Test
    void flopsAccumulateThreeTimesTheForwardPerStepAndAResumedStepCountsOnce() throws IOException {
        Path run = write("dense-seed1", run(3.0, 2.0));
        ComparisonCurves.RunCurve c = ComparisonCurves.read(run.resolve("metrics.jsonl"), null);
        assertArrayEquals(new long[]{2, 4}, c.steps());
        // steps 1-3: 3 x 100 x 10 = 3,000 each; step 4: 3 x 200 x 10 = 6,000
        assertArrayEquals(new double[]{6_000, 15_000}, c.flops(), 1e-9);
        assertArrayEquals(new double[]{3.0, 2.0}, c.valLoss(), 1e-12);
        assertEquals(15_000, c.totalFlops(), 1e-9);
        assertEquals(200, c.forwardFlopsPerToken(), 1e-12);
    }

    @Test
    void aDistilledRunStartsAtItsTeachersTotalAndPaysTheTeachersForward() throws IOException {
        Path teacher = write("dense-seed1", run(3.0, 2.0));
        Path student = write("radial-distil-seed1", run(2.5, 1.5));
        ComparisonCurves.RunCurve t = ComparisonCurves.read(teacher.resolve("metrics.jsonl"), null);
        ComparisonCurves.RunCurve s = ComparisonCurves.read(student.resolve("metrics.jsonl"), t);
        // each step adds the teacher's last forward (200 per token x 10 tokens = 2,000)
        assertArrayEquals(new double[]{15_000 + 6_000 + 4_000, 15_000 + 15_000 + 8_000}, s.flops(), 1e-9);
    }

    @Test
    void theEntryCurveIsTheMeanOverSeedsAndMissingRunsAreSkipped() throws IOException {
        Path a = write("dense-seed1", run(3.0, 2.0));
        Path b = write("dense-seed2", run(3.2, 2.2));
        Comparison.Entry dense = Comparison.entry(Task.LANGUAGE, "dense");
        ComparisonCurves.Curve c = ComparisonCurves.of(dense, List.of(a, b, dir.resolve("dense-seed3")), Map.of());
        assertArrayEquals(new double[]{3.1, 2.1}, c.valLoss(), 1e-12);
        assertEquals("\nCurves: curves.png and curves.svg, the fast validation estimate against training FLOPs, mean over"
                + " the seeds.\n", ComparisonCurves.note(List.of(c)), "two evaluations are too few to speak of a last quarter");
        ComparisonCurves.Curve longer = new ComparisonCurves.Curve("dense", "Dense", new double[8],
                new double[]{5, 4, 3, 2.5, 2.2, 2.1, 2.05, 2.0}, new long[]{1, 2, 3, 4, 5, 6, 7, 8});
        assertTrue(ComparisonCurves.note(List.of(longer)).endsWith(" Over the last quarter of the evaluations (steps 6"
                + " to 8) the estimate fell by: Dense 0.1000 nats (4.8%).\n"), ComparisonCurves.note(List.of(longer)));
    }

    @Test
    void writesTheChartNextToTheTable() throws IOException {
        write("dense-seed1", run(3.0, 2.0));
        write("moe-seed1", run(2.9, 1.9));
        Comparison.Plan plan = new Comparison.Plan(Task.LANGUAGE, dir, List.of(1L), List.of(), List.of(), false);
        List<ComparisonCurves.Curve> curves = ComparisonCurves.write(plan);
        assertEquals(List.of("dense", "moe"), curves.stream().map(ComparisonCurves.Curve::id).toList());
        assertTrue(Files.size(dir.resolve("curves.svg")) > 1000);
        assertTrue(Files.size(dir.resolve("curves.png")) > 1000);
    }

    @Test
    void aDifferenceIsBeyondTheSpreadOnlyWhenTheSeedRangesDoNotOverlap() {
        assertEquals("+0.1000, beyond the spread",
                Comparison.difference(new double[]{2.1, 2.2}, new double[]{2.0, 2.1 - 1e-9}, 1, "%+.4f"));
        assertEquals("+0.0500, within", Comparison.difference(new double[]{2.05, 2.15}, new double[]{2.0, 2.1}, 1, "%+.4f"));
        assertEquals(Math.sqrt(0.02), Comparison.sd(new double[]{2.0, 2.2}), 1e-12);
    }
}
