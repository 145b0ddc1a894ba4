package org.jdna.dna.train;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jdna.dna.config.ConfigLoader;
import org.jdna.dna.config.RunConfig;
import org.jdna.dna.io.MetricsLog;

/**
 * A DNA small enough for unit tests (D=16, S=2, T=16, B=2 on synthetic text, reference backend):
 * a few steps take well under a second, so tests can train, resume and diverge for real.
 */
public final class TinyRuns {
    private TinyRuns() {}

    /** The overrides, as --set values, of a tiny run of {@code steps} steps in {@code out}. */
    public static List<String> overrides(Path out, int steps) {
        return new ArrayList<>(List.of("model.width=16", "model.heads=2", "model.mlpHidden=32", "model.context=16",
                "model.routedSteps=2", "model.controllerSpeed=0.01", "train.batchSize=2", "train.steps=" + steps,
                "train.warmupSteps=2", "train.evalBatches=2", "train.evalEvery=0", "train.checkpointEvery=0",
                "train.logEvery=1", "train.backend=reference", "train.outDir=" + out,
                "data.dataset=synthetic-text", "data.syntheticSize=20000"));
    }

    public static RunConfig config(Path out, int steps, String... more) {
        List<String> o = overrides(out, steps);
        o.addAll(List.of(more));
        return ConfigLoader.load("dna-top2", null, o);
    }

    /** Options that collect the console output in memory. */
    public static TrainOptions quietOptions() {
        return TrainOptions.of(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    }

    /** The training loss of every step in a run's metrics.jsonl, in step order. */
    public static List<Double> losses(Path runDir) {
        List<Double> out = new ArrayList<>();
        for (Map<String, Object> r : MetricsLog.read(runDir.resolve(RunDirectory.METRICS))) {
            if ("step".equals(r.get("type"))) {
                out.add(((Number) r.get("loss")).doubleValue());
            }
        }
        return out;
    }

    /** The records of one type. */
    public static List<Map<String, Object>> records(Path runDir, String type) {
        return MetricsLog.read(runDir.resolve(RunDirectory.METRICS)).stream()
                .filter(r -> type.equals(r.get("type"))).toList();
    }
}
