package org.jdna.dna.radial;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jdna.dna.config.ConfigJson;
import org.jdna.dna.config.ConfigLoader;
import org.jdna.dna.config.Presets;
import org.jdna.dna.config.RunConfig;
import org.jdna.dna.model.DnaModel;
import org.jdna.dna.model.ModelOutput;
import org.jdna.dna.train.Datasets;
import org.jdna.dna.train.Evaluator;
import org.jdna.dna.train.Format;
import org.jdna.dna.train.RunSummary;
import org.jdna.dna.train.TaskData;
import org.jdna.dna.train.TrainBatch;
import org.jdna.dna.train.TrainOptions;
import org.jdna.dna.train.TrainedModel;
import org.jdna.dna.train.Trainer;
import org.jdna.engine.autograd.GradMode;

/**
 * The comparison the reviewers asked for (issue 7): dense, MoE (top-2), MoD (r = 0.3), DNA top-1, DNA
 * top-2 (r = 0.3), Radial from scratch and Radial distilled from the dense run of the same seed, on the
 * Brown corpus with the same width, depth budget, batch, context and number of steps (equal token
 * budget), each with every seed. Active parameters are equal by construction for dense, MoE (two experts
 * of half width) and DNA top-1; MoD, DNA top-2 (r = 0.3) and Radial land near them through their skip
 * targets; the table reports what each actually used. The distilled Radial starts from the trained dense
 * run, so its total budget is the dense run's plus its own (said under the table).
 *
 * <p>Columns: validation loss (mean over seeds +- half the range), active parameters per token, total
 * parameters, forward FLOPs per token, module visits per token (backbone blocks + non-identity pool module
 * visits; a MoE expert is half a dense MLP, so MoE shows 1 + 2S), training tokens/s (the trainer's
 * measurement) and inference tokens/s (forward passes over the evaluation batches, after one warm-up
 * batch, no gradient).
 */
public final class Comparison {
    /** The presets compared, in table order, with their display names. */
    public static final Map<String, String> ENTRIES = new LinkedHashMap<>();

    static {
        ENTRIES.put("dense", "Dense transformer");
        ENTRIES.put("moe", "MoE (top-2 of 4 per step)");
        ENTRIES.put("mod", "MoD (r = 0.3)");
        ENTRIES.put("dna-top1", "DNA top-1");
        ENTRIES.put("dna-top2", "DNA top-2 (r = 0.3)");
        ENTRIES.put("radial", "Radial (from scratch)");
        ENTRIES.put("radial-distil", "Radial (distilled from dense)");
    }

    /**
     * @param outDir   runs go to outDir/NAME-seedS; results.json and comparison.md to outDir
     * @param seeds    seeds of every entry
     * @param common   overrides applied to every preset (size, steps, data, backend)
     * @param only     preset names to run (empty = all)
     */
    public record Plan(Path outDir, List<Long> seeds, List<String> common, List<String> only) {}

    /**
     * Overrides of the quick mode: D = 64, T = 64, B = 16, 300 steps (307,200 tokens per run; about 15 minutes
     * for the 14 runs on 2 cores). The controller speed is the main job's u = 0.01: at the preset's 0.001 the
     * bias cannot catch up in 300 steps and MoD's routers collapse onto the skip (identity ~0.99 at r = 0.3).
     */
    public static List<String> quick() {
        return List.of("model.width=64", "model.heads=4", "model.mlpHidden=256", "model.context=64",
                "model.controllerSpeed=0.01", "train.batchSize=16", "train.steps=300", "train.warmupSteps=30",
                "train.evalEvery=0", "train.evalBatches=8", "train.checkpointEvery=0", "train.logEvery=25");
    }

    public record Row(String preset, String name, List<Map<String, Object>> runs) {}

    public static List<Row> run(Plan plan, TrainOptions options) {
        List<Row> rows = new ArrayList<>();
        for (var entry : ENTRIES.entrySet()) {
            String preset = entry.getKey();
            if (!plan.only().isEmpty() && !plan.only().contains(preset)) {
                continue;
            }
            List<Map<String, Object>> runs = new ArrayList<>();
            for (long seed : plan.seeds()) {
                RunConfig config = ConfigLoader.load(preset, null, overrides(plan, preset, seed));
                options.err().printf("%ncompare: %s, seed %d -> %s%n", preset, seed, config.train().outDir());
                options.err().flush();
                RunSummary summary = Trainer.run(config, options.withOverwrite(true));
                Map<String, Object> r = new LinkedHashMap<>(summary.toMap());
                r.put("seed", seed);
                r.putAll(inference(Path.of(config.train().outDir()), config, options));
                runs.add(r);
            }
            rows.add(new Row(preset, entry.getValue(), runs));
        }
        write(plan, rows);
        return rows;
    }

    static List<String> overrides(Plan plan, String preset, long seed) {
        List<String> o = new ArrayList<>(plan.common());
        o.add("train.seed=" + seed);
        o.add("train.outDir=" + plan.outDir().resolve(preset + "-seed" + seed));
        if (preset.equals("moe")) {
            // Experts of half the MLP width, so two of them are as wide as the dense MLP.
            RunConfig base = ConfigLoader.load(preset, null, plan.common());
            o.add("model.poolMlpHidden=" + base.model().mlpHidden() / 2);
        }
        if (preset.equals("radial-distil")) {
            o.add("distil.teacher=" + plan.outDir().resolve("dense-seed" + seed));
            // The same number of steps as every other entry (the preset's own default is shorter).
            RunConfig dense = ConfigLoader.load("dense", null, plan.common());
            o.add("train.steps=" + dense.train().steps());
            o.add("train.warmupSteps=" + dense.train().warmupSteps());
        }
        return o;
    }

    // Inference throughput and layer visits per token on the run's evaluation batches.
    private static Map<String, Object> inference(Path run, RunConfig config, TrainOptions options) {
        TrainedModel m = TrainedModel.load(run, config.train().backend(), config.train().threads());
        TaskData data = TaskData.open(m.config(), options.datasets());
        List<TrainBatch> eval = data.evalBatches();
        DnaModel model = m.model();
        Evaluator.evaluate(model, eval.subList(0, 1));                     // warm-up
        long start = System.nanoTime();
        Evaluator.evaluate(model, eval);
        model.parameters().getFirst().backend().synchronize();
        double seconds = (System.nanoTime() - start) / 1e9;
        long tokens = eval.stream().mapToLong(TrainBatch::tokens).sum();
        double visits = 0;
        long counted = 0;
        try (var noGrad = GradMode.disabled()) {
            for (TrainBatch b : eval) {
                ModelOutput out = b.forward(model);
                for (int t = 0; t < out.trace().tokens(); t++) {
                    visits += config.model().backboneBlocks() + out.trace().computeVisits(t);
                }
                counted += out.trace().tokens();
            }
        }
        return Map.of("inferenceTokensPerSecond", tokens / seconds, "layerVisitsPerToken", visits / counted);
    }

    private static void write(Plan plan, List<Row> rows) {
        try {
            Files.createDirectories(plan.outDir());
            Files.writeString(plan.outDir().resolve("results.json"), ConfigJson.MAPPER.writeValueAsString(rows));
            Files.writeString(plan.outDir().resolve("comparison.md"), markdown(rows, plan));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the comparison to " + plan.outDir(), e);
        }
    }

    /** The README table. */
    public static String markdown(List<Row> rows, Plan plan) {
        StringBuilder sb = new StringBuilder();
        sb.append("| model | val loss (mean ± half range) | active params / token | total params |"
                + " forward FLOPs / token | module visits / token | train tokens/s | inference tokens/s |\n");
        sb.append("|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            double[] loss = values(r, "valLoss");
            sb.append(String.format(Locale.ROOT, "| %s | %.4f ± %.4f | %s | %s | %s | %.2f | %s | %s |%n", r.name(),
                    mean(loss), (max(loss) - min(loss)) / 2, Format.count(mean(values(r, "activeParamsPerToken"))),
                    Format.count(mean(values(r, "totalParams"))), Format.si(mean(values(r, "forwardFlopsPerToken"))),
                    mean(values(r, "layerVisitsPerToken")), Format.count(mean(values(r, "tokensPerSecond"))),
                    Format.count(mean(values(r, "inferenceTokensPerSecond")))));
        }
        sb.append("\n").append(rows.isEmpty() ? 0 : rows.getFirst().runs().size()).append(" seeds per model (")
                .append(plan.seeds()).append("); every run has the same steps, batch and context; overrides: ")
                .append(plan.common().isEmpty() ? "none (the presets' full budget)" : String.join(" ", plan.common()))
                .append(". The distilled Radial starts from the dense run of its seed (its budget adds to the dense"
                        + " run's). Presets: ").append(String.join(", ", ENTRIES.keySet())).append(" (see Presets).\n");
        return sb.toString();
    }

    private static double[] values(Row r, String key) {
        return r.runs().stream().mapToDouble(m -> ((Number) m.get(key)).doubleValue()).toArray();
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    private static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            m = Math.min(m, x);
        }
        return m;
    }

    /** Prints the table to {@code out}. */
    public static void print(PrintWriter out, List<Row> rows, Plan plan) {
        out.println();
        out.print(markdown(rows, plan));
        out.println("wrote " + plan.outDir().resolve("comparison.md") + " and results.json");
        out.flush();
    }

    static {
        for (String p : List.of("dense", "moe", "mod", "dna-top1", "dna-top2", "radial", "radial-distil")) {
            Presets.get(p); // every entry is a preset
        }
    }
}
