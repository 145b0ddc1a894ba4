package org.jdna.dna.analysis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jdna.dna.io.MetricsLog;

/**
 * The training metrics found beside a checkpoint: the last record of its run's metrics.jsonl, the curves of
 * its loss-like numbers (keys containing "loss" or "accuracy", against "step") from the step and eval
 * records, thinned to at most {@link #MAX_POINTS} points each, and the end-of-run figures over the whole
 * held-out split from the summary record. The summary's other numbers (its trainLoss, a mean over the last
 * steps) are one point each, not curves.
 *
 * @param file   the metrics.jsonl read (null when none was found)
 * @param last   its last record (empty when none)
 * @param curves key -> {steps, values}
 * @param finals whole-split figures of the run's end, key ("valLoss", "testAccuracy", ...) -> {step, value};
 *               empty for a run that has not finished or was scored before the whole-split evaluation
 */
public record TrainingMetrics(String file, Map<String, Object> last, Map<String, double[][]> curves,
                              Map<String, double[]> finals) {
    public static final String FILE = "metrics.jsonl";
    static final int MAX_POINTS = 400;
    /** Keys of a summary record that hold the whole held-out split's figures. */
    static final List<String> WHOLE_SPLIT = List.of("valLoss", "valAccuracy", "testLoss", "testAccuracy");

    public static TrainingMetrics none() {
        return new TrainingMetrics(null, Map.of(), Map.of(), Map.of());
    }

    /** Looks for metrics.jsonl in the checkpoint folder, its parent and its grandparent (run/checkpoints/step-N). */
    public static TrainingMetrics near(Path checkpoint) {
        Path dir = checkpoint.toAbsolutePath();
        for (int up = 0; up < 3 && dir != null; up++, dir = dir.getParent()) {
            Path f = dir.resolve(FILE);
            if (Files.isRegularFile(f)) {
                return read(f);
            }
        }
        return none();
    }

    public static TrainingMetrics read(Path file) {
        List<Map<String, Object>> records = MetricsLog.read(file);
        Map<String, List<double[]>> points = new LinkedHashMap<>();
        Map<String, double[]> finals = new LinkedHashMap<>();
        for (Map<String, Object> r : records) {
            if (!(r.get("step") instanceof Number step)) {
                continue;
            }
            if ("summary".equals(r.get("type"))) {
                // a summary written before the whole-split evaluation has no sample figure: its valLoss was the sample
                if (r.containsKey("valSampleLoss") || r.containsKey("testLoss")) {
                    finals.clear();
                    for (String k : WHOLE_SPLIT) {
                        if (r.get(k) instanceof Number v && Double.isFinite(v.doubleValue())) {
                            finals.put(k, new double[]{step.doubleValue(), v.doubleValue()});
                        }
                    }
                }
                continue;
            }
            if (r.get("type") != null && !"step".equals(r.get("type")) && !"eval".equals(r.get("type"))) {
                continue;
            }
            for (Map.Entry<String, Object> e : r.entrySet()) {
                String k = e.getKey().toLowerCase(Locale.ROOT);
                if ((k.contains("loss") || k.contains("accuracy")) && e.getValue() instanceof Number v
                        && Double.isFinite(v.doubleValue())) {
                    points.computeIfAbsent(e.getKey(), x -> new ArrayList<>())
                            .add(new double[]{step.doubleValue(), v.doubleValue()});
                }
            }
        }
        Map<String, double[][]> curves = new LinkedHashMap<>();
        points.forEach((k, list) -> {
            int n = list.size();
            int m = Math.min(n, MAX_POINTS);
            double[][] c = new double[2][m];
            for (int i = 0; i < m; i++) {
                double[] p = list.get(m == n ? i : (int) ((long) i * (n - 1) / (m - 1)));
                c[0][i] = p[0];
                c[1][i] = p[1];
            }
            curves.put(k, c);
        });
        return new TrainingMetrics(file.toString(), records.isEmpty() ? Map.of() : records.getLast(), curves, finals);
    }
}
