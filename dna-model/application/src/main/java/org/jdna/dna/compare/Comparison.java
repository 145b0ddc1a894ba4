package org.jdna.dna.compare;

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
import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.ConfigLoader;
import org.jdna.dna.config.Presets;
import org.jdna.dna.config.RunConfig;
import org.jdna.dna.config.Task;
import org.jdna.dna.model.DnaModel;
import org.jdna.dna.model.RoutingTrace;
import org.jdna.dna.sweep.RunOutcome;
import org.jdna.dna.sweep.Sweep;
import org.jdna.dna.sweep.SweepRun;
import org.jdna.dna.train.Evaluator;
import org.jdna.dna.train.Format;
import org.jdna.dna.train.TaskData;
import org.jdna.dna.train.TrainBatch;
import org.jdna.dna.train.TrainOptions;
import org.jdna.dna.train.TrainedModel;
import org.jdna.dna.train.Trainer;
import org.jdna.engine.autograd.GradMode;
import org.jdna.engine.memory.MemoryScope;

/**
 * The comparison tables of {@code jdna compare}. Language, the one the reviewers asked for (issue 7): dense, MoE (top-2), MoD (r = 0.3), DNA top-1, DNA
 * top-2 (r = 0.3), Radial from scratch and Radial distilled from the dense run of the same seed, on the
 * Brown corpus with the same width, depth budget, batch, context and number of steps (equal token
 * budget), each with every seed. Active parameters are equal by construction for dense, MoE (two experts
 * of half width) and DNA top-1; MoD, DNA top-2 (r = 0.3) and Radial land near them through their skip
 * targets; the table reports what each actually used. The distilled Radial starts from the trained dense
 * run, so its total budget is the dense run's plus its own (said under the table).
 *
 * <p>Columns: validation loss (mean ± standard deviation over the seeds), active parameters per token, total
 * parameters, forward FLOPs per token, module visits per token (backbone blocks + non-identity pool module
 * visits; a MoE expert is half a dense MLP, so MoE shows 1 + 2S), training tokens/s and inference tokens/s, both
 * timed after the sweep, one run at a time (runs that trained side by side shared the cores, so their own
 * tokens/s are rough; those stay in results.json as tokensPerSecond): training over {@value #TIMED_STEPS} steps
 * past the run's last checkpoint, in memory only ({@link Trainer#timeSteps}), inference as forward passes over
 * the evaluation batches after one warm-up batch, no gradient.
 *
 * <p>Vision (issue 5): dense ViT, DNA top-1 and DNA top-2 (r = 0.25) on Fashion-MNIST, with a dense ViT at
 * each DNA's active parameters; the first column is then the accuracy on the whole test set.
 */
public final class Comparison {
    /** Untimed training steps before the timed ones of the train tokens/s column. */
    static final int TIMING_WARMUP_STEPS = 5;
    /** Timed training steps of the train tokens/s column. */
    static final int TIMED_STEPS = 30;

    /**
     * One row of the table: a preset and the overrides that make it this row.
     *
     * @param id        the row's key (runs go to outDir/ID-seedS; {@code --only} takes it)
     * @param preset    the preset it starts from
     * @param name      the display name
     * @param overrides applied after the common overrides
     */
    public record Entry(String id, String preset, String name, List<String> overrides) {}

    /** The language rows (issue 7), in table order. */
    public static final List<Entry> LANGUAGE = List.of(
            new Entry("dense", "dense", "Dense transformer", List.of()),
            new Entry("moe", "moe", "MoE (top-2 of 4 per step)", List.of()),
            new Entry("mod", "mod", "MoD (r = 0.3)", List.of()),
            new Entry("dna-top1", "dna-top1", "DNA top-1", List.of()),
            new Entry("dna-top2", "dna-top2", "DNA top-2 (r = 0.3)", List.of()),
            new Entry("radial", "radial", "Radial (from scratch)", List.of()),
            new Entry("radial-distil", "radial-distil", "Radial (distilled from dense)", List.of()));

    /**
     * The vision rows (issue 5): dense ViT at DNA top-1's active parameters (1 + 6 blocks), DNA top-1, DNA
     * top-2 at r = 0.25 (1 + 6 x 2 x 0.75 = 10 block visits per patch) and a dense ViT of 10 blocks at its
     * active parameters.
     */
    public static final List<Entry> VISION = List.of(
            new Entry("vision-dense", "vision-dense", "Dense ViT, 7 blocks (= DNA top-1 active)", List.of()),
            new Entry("vision-dna-top1", "vision-dna-top1", "DNA top-1", List.of()),
            new Entry("vision-dna-top2", "vision-dna-top2", "DNA top-2 (r = 0.25)", List.of()),
            new Entry("vision-dense-10", "vision-dense", "Dense ViT, 10 blocks (= DNA top-2 active)",
                    List.of("model.routedSteps=9", "model.pool=transformer:9")));

    public static List<Entry> entries(Task task) {
        return task == Task.VISION ? VISION : LANGUAGE;
    }

    /**
     * @param task     which table: language (Brown) or vision (Fashion-MNIST)
     * @param outDir   runs go to outDir/ID-seedS; results.json and comparison.md to outDir
     * @param seeds    seeds of every entry
     * @param common   overrides applied to every preset (size, steps, data, backend)
     * @param only     entry ids to run (empty = all)
     * @param resume   runs with checkpoints continue from them and finished runs are kept (a budget trained in
     *                 pieces); otherwise every run starts fresh
     */
    public record Plan(Task task, Path outDir, List<Long> seeds, List<String> common, List<String> only,
                       boolean resume) {
        public Plan {
            seeds = List.copyOf(seeds);
            common = List.copyOf(common);
            only = List.copyOf(only);
        }
    }

    /** Overrides of the quick mode of {@code task}. */
    public static List<String> quick(Task task) {
        return task == Task.VISION ? quickVision() : quickLanguage();
    }

    /** Overrides of the default mode of {@code task}: the language or the vision table's budget. */
    public static List<String> budget(Task task) {
        return task == Task.VISION ? visionBudget() : languageBudget();
    }

    /** Seeds when none are given: three at the language budget (a spread to compare gaps with), two otherwise. */
    public static List<Long> defaultSeeds(Task task, boolean quick) {
        return task == Task.LANGUAGE && !quick ? List.of(1L, 2L, 3L) : List.of(1L, 2L);
    }

    /**
     * The language table's budget: D = 64, T = 64, B = 16 with rotary positions (the learned position table holds
     * every model near the byte-bigram plateau for hundreds of steps: docs/main-job.md), 12,000 steps (12,288,000
     * tokens per run, about 34 per active parameter of dense). Each doubling of the budget bought the dense baseline
     * less: 0.131 nats per doubling from 2,000 to 6,000 steps, 0.075 from 6,000 to 12,000, 0.049 from 12,000 to
     * 24,000 (one seed); at 6,000 it moved under 0.5% over the last 500 steps of its own schedule yet a run twice as
     * long ended 5% lower, and the family's ranking changed between 2,000 and 6,000
     * (benchmarks/results/2026-12-07-sparse-family-12k.md). A validation estimate every 100 steps for the curves, a
     * checkpoint every 500 so that the sweep can be trained in pieces ({@code --resume}). The controller speed is
     * the main job's u = 0.01.
     */
    static List<String> languageBudget() {
        return List.of("model.width=64", "model.heads=4", "model.mlpHidden=256", "model.context=64",
                "model.positions=rope", "model.controllerSpeed=0.01", "train.batchSize=16", "train.steps=12000",
                "train.warmupSteps=100", "train.evalEvery=100", "train.evalBatches=16", "train.checkpointEvery=500",
                "train.logEvery=100");
    }

    /**
     * The vision table's budget: D = 64, H = 256, 7x7 patches (16 per image), 12,900 steps of 64 images (825,600
     * images, 15 epochs of the 55,000 training images), AdamW peak 2e-3 after 300 warm-up steps, cosine to 1e-4.
     * Five epochs left a dense ViT at 85.8% and still rising a point per 1,000 steps
     * (benchmarks/results/2026-12-06-vision-probe.md); the table wants it past 88%. A held-out estimate every 500
     * steps for the curves, a checkpoint every 1,000 so that the sweep trains in pieces ({@code --resume}).
     */
    static List<String> visionBudget() {
        return List.of("model.width=64", "model.heads=4", "model.mlpHidden=256", "model.vision.patchSize=7",
                "model.controllerSpeed=0.01", "train.batchSize=64", "train.steps=12900", "train.warmupSteps=300",
                "train.lr=0.002", "train.minLr=0.0001", "train.evalEvery=500", "train.evalBatches=20",
                "train.checkpointEvery=1000", "train.logEvery=500");
    }

    /**
     * Language quick mode: the budget's models for 300 steps (307,200 tokens per run; about 15 minutes for the
     * 14 runs on 2 cores), no checkpoints or curves. At the preset's controller speed 0.001 the bias could not
     * catch up in 300 steps and MoD's routers would collapse onto the skip (identity ~0.99 at r = 0.3).
     */
    static List<String> quickLanguage() {
        List<String> o = new ArrayList<>(languageBudget());
        o.addAll(List.of("train.steps=300", "train.warmupSteps=30", "train.evalEvery=0", "train.evalBatches=8",
                "train.checkpointEvery=0", "train.logEvery=25"));
        return List.copyOf(o);
    }

    /** Vision quick mode: D = 64, 500 steps of 64 images (32,000 images, about half an epoch), u = 0.01. */
    static List<String> quickVision() {
        return List.of("model.width=64", "model.heads=4", "model.mlpHidden=256", "model.controllerSpeed=0.01",
                "train.batchSize=64", "train.steps=500", "train.warmupSteps=50", "train.evalEvery=0",
                "train.checkpointEvery=0", "train.logEvery=50");
    }

    public record Row(String id, String name, List<Map<String, Object>> runs) {}

    /**
     * The table's runs, trained as a sweep ({@link Sweep#trainInPhases}) on {@code master}: every entry x every
     * seed a Spark task, each run fresh in its folder; the distilled entries in a second phase, after the teachers
     * they start from. Then, in this process, one run after another, each run's inference throughput and module
     * visits (so concurrent runs do not share the cores while they are timed), and the table. A run that fails is
     * left out of its row and named under the table; the others go on.
     *
     * @param master  a Spark master URL; local[1] runs one run at a time in this process, as jdna compare always has
     * @param options where progress lines go ({@code err}), where data sets come from
     */
    public static Result run(Plan plan, String master, TrainOptions options) {
        List<List<SweepRun>> phases = List.of(new ArrayList<>(), new ArrayList<>());
        List<Entry> entries = new ArrayList<>();
        for (Entry entry : entries(plan.task())) {
            if (!plan.only().isEmpty() && !plan.only().contains(entry.id())) {
                continue;
            }
            entries.add(entry);
            for (long seed : plan.seeds()) {
                SweepRun run = new SweepRun(entry.id() + "-seed" + seed, entry.preset(), null,
                        overrides(plan, entry, seed), !plan.resume());
                phases.get(run.resolve().distil().active() ? 1 : 0).add(run);
            }
        }
        List<List<RunOutcome>> trained = Sweep.trainInPhases(plan.outDir(), master, phases, options.err());
        Map<String, RunOutcome> byName = new LinkedHashMap<>();
        trained.forEach(phase -> phase.forEach(o -> byName.put(o.name(), o)));
        List<Row> rows = new ArrayList<>();
        List<RunOutcome> failed = new ArrayList<>();
        for (Entry entry : entries) {
            List<Map<String, Object>> runs = new ArrayList<>();
            for (long seed : plan.seeds()) {
                RunOutcome o = byName.get(entry.id() + "-seed" + seed);
                if (!o.ok()) {
                    failed.add(o);
                    continue;
                }
                RunConfig config = ConfigLoader.load(entry.preset(), null, overrides(plan, entry, seed));
                Map<String, Object> r = new LinkedHashMap<>(o.summary());
                r.put("seed", seed);
                r.putAll(inference(Path.of(config.train().outDir()), config, options));
                r.put("trainTokensPerSecondAlone", Trainer.timeSteps(config, options, TIMING_WARMUP_STEPS,
                        TIMED_STEPS));
                runs.add(r);
            }
            if (!runs.isEmpty()) {
                rows.add(new Row(entry.id(), entry.name(), runs));
            }
        }
        Result result = new Result(rows, failed, ComparisonCurves.note(ComparisonCurves.write(plan)));
        write(plan, result);
        return result;
    }

    /**
     * The table's rows and the runs that failed.
     *
     * @param rows   one per entry with at least one finished run, in table order
     * @param failed the runs that failed, each with its error
     * @param curves what the validation curves show (ComparisonCurves#note), or "" when no run evaluated during
     *               training
     */
    public record Result(List<Row> rows, List<RunOutcome> failed, String curves) {
        public boolean ok() { return failed.isEmpty(); }
    }

    /** The entry with id {@code id} of {@code task}'s table; an unknown id is an error listing the known ones. */
    public static Entry entry(Task task, String id) {
        return entries(task).stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow(() ->
                new ConfigException("compare: no entry '" + id + "' in the " + task.name().toLowerCase(Locale.ROOT)
                        + " table (entries: " + entries(task).stream().map(Entry::id).toList() + ")"));
    }

    static List<String> overrides(Plan plan, Entry entry, long seed) {
        List<String> o = new ArrayList<>(plan.common());
        o.addAll(entry.overrides());
        o.add("train.seed=" + seed);
        o.add("train.outDir=" + plan.outDir().resolve(entry.id() + "-seed" + seed));
        if (entry.preset().equals("moe")) {
            // Experts of half the MLP width, so two of them are as wide as the dense MLP.
            RunConfig base = ConfigLoader.load(entry.preset(), null, plan.common());
            o.add("model.poolMlpHidden=" + base.model().mlpHidden() / 2);
        }
        if (entry.preset().equals("radial-distil")) {
            o.add("distil.teacher=" + plan.outDir().resolve("dense-seed" + seed));
            // The same number of steps as every other entry (the preset's own default is shorter).
            RunConfig dense = ConfigLoader.load("dense", null, plan.common());
            o.add("train.steps=" + dense.train().steps());
            o.add("train.warmupSteps=" + dense.train().warmupSteps());
        }
        return o;
    }

    // Inference throughput and layer visits per token on the run's evaluation batches (the loss over the whole
    // held-out split, validation or test, is in the run's summary).
    @SuppressWarnings("try") // the scopes are only closed
    private static Map<String, Object> inference(Path run, RunConfig config, TrainOptions options) {
        TrainedModel m = TrainedModel.load(run, config.train().backend(), config.train().threads());
        TaskData data = TaskData.open(m.config(), options.datasets());
        Map<String, Object> result = new LinkedHashMap<>();
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
                RoutingTrace trace;
                try (MemoryScope scope = MemoryScope.open()) {
                    trace = b.forward(model).trace();
                }
                for (int t = 0; t < trace.tokens(); t++) {
                    visits += config.model().backboneBlocks() + trace.computeVisits(t);
                }
                counted += trace.tokens();
            }
        }
        result.put("inferenceTokensPerSecond", tokens / seconds);
        result.put("layerVisitsPerToken", visits / counted);
        return result;
    }

    private static void write(Plan plan, Result result) {
        try {
            Files.createDirectories(plan.outDir());
            Files.writeString(plan.outDir().resolve("results.json"),
                    ConfigJson.MAPPER.writeValueAsString(result.rows()));
            Files.writeString(plan.outDir().resolve("comparison.md"), markdown(result.rows(), plan)
                    + result.curves() + failures(result.failed()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the comparison to " + plan.outDir(), e);
        }
    }

    /** The runs that failed, one line each, or nothing. */
    static String failures(List<RunOutcome> failed) {
        StringBuilder sb = new StringBuilder();
        for (RunOutcome o : failed) {
            sb.append(sb.isEmpty() ? "\nFailed runs (left out of the table):\n" : "")
                    .append("- ").append(o.name()).append(": ").append(o.error()).append('\n');
        }
        return sb.toString();
    }

    /**
     * The README table: the headline metric as mean ± standard deviation over the seeds, then its difference from
     * the first row (dense) and whether that lies beyond the seed spread (no seed of one entry reaches the range of
     * the other's seeds), then the cost columns.
     */
    public static String markdown(List<Row> rows, Plan plan) {
        boolean vision = plan.task() == Task.VISION;
        String unit = vision ? "patch" : "token";
        String units = vision ? "patches" : "tokens";
        String key = vision ? "testAccuracy" : "valLoss";
        double scale = vision ? 100 : 1;
        StringBuilder sb = new StringBuilder();
        sb.append(vision ? "| model | test accuracy (mean ± sd) | vs first row (points) | test loss |"
                        : "| model | val loss (mean ± sd) | vs first row | bits/byte |")
                .append(" active params / ").append(unit).append(" | total params | forward FLOPs / ").append(unit)
                .append(" | module visits / ").append(unit).append(" | train ").append(units).append("/s")
                .append(" | inference ").append(units).append("/s |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
        double[] first = rows.isEmpty() ? new double[0] : values(rows.getFirst(), key);
        for (Row r : rows) {
            double[] v = values(r, key);
            String pattern = vision ? "| %s | %.2f%% ± %.2f | %s | %.4f " : "| %s | %.4f ± %.4f | %s | %.4f ";
            sb.append(String.format(Locale.ROOT, pattern, r.name(), scale * mean(v), scale * sd(v),
                    r == rows.getFirst() ? "-" : difference(v, first, scale, vision ? "%+.2f" : "%+.4f"),
                    mean(values(r, vision ? "testLoss" : "valBitsPerByte"))));
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f | %s | %s |%n",
                    Format.count(mean(values(r, "activeParamsPerToken"))),
                    Format.count(mean(values(r, "totalParams"))), Format.si(mean(values(r, "forwardFlopsPerToken"))),
                    mean(values(r, "layerVisitsPerToken")), Format.count(mean(values(r, "trainTokensPerSecondAlone"))),
                    Format.count(mean(values(r, "inferenceTokensPerSecond")))));
        }
        sb.append("\n").append(rows.isEmpty() ? 0 : rows.getFirst().runs().size()).append(" seeds per model (")
                .append(plan.seeds()).append("); every run has the same steps, batch and ")
                .append(vision ? "image size" : "context").append("; overrides: ")
                .append(plan.common().isEmpty() ? "none (the presets' full budget)" : String.join(" ", plan.common()))
                .append(". sd: the standard deviation over the seeds; \"beyond the spread\": the seeds' ranges of"
                        + " the two entries do not overlap. Train and inference " + units + "/s: timed after"
                        + " training, one run at a time, with each run's train.threads (" + TIMED_STEPS
                        + " training steps past its last checkpoint; forward passes over the evaluation batches). ");
        if (vision) {
            sb.append("Test accuracy and loss over the whole Fashion-MNIST test set (10,000 images).");
        } else {
            sb.append("Val loss (nats) and bits/byte over the whole validation split, every held-out byte once."
                    + " The distilled Radial starts from the dense run of its seed (its budget adds to the dense run's).");
        }
        sb.append(" Entries (see Presets and Comparison): ");
        for (Entry e : entries(plan.task())) {
            sb.append(e.id()).append(e.overrides().isEmpty() ? "" : " (" + e.preset() + " " + String.join(" ", e.overrides()) + ")")
                    .append(e == entries(plan.task()).getLast() ? ".\n" : ", ");
        }
        return sb.toString();
    }

    /** "+0.0123, beyond the spread" or "-0.0040, within": the difference of the means, and whether the ranges overlap. */
    static String difference(double[] v, double[] reference, double scale, String pattern) {
        boolean beyond = min(v) > max(reference) || max(v) < min(reference);
        return String.format(Locale.ROOT, pattern, scale * (mean(v) - mean(reference)))
                + (beyond ? ", beyond the spread" : ", within");
    }

    /** The sample standard deviation (n - 1); 0 for a single value. */
    static double sd(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
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

    /** Prints the table (and the runs that failed) to {@code out}. */
    public static void print(PrintWriter out, Result result, Plan plan) {
        out.println();
        out.print(markdown(result.rows(), plan));
        out.print(result.curves());
        out.print(failures(result.failed()));
        out.println("wrote " + plan.outDir().resolve("comparison.md") + " and results.json");
        out.flush();
    }

    static {
        for (Entry e : LANGUAGE) {
            Presets.get(e.preset()); // every entry is a preset
        }
        for (Entry e : VISION) {
            Presets.get(e.preset());
        }
    }
}
