package org.jdna.dna.sweep;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.ConfigJson;
import org.jdna.dna.spark.SparkJobs;

/**
 * {@code jdna sweep}: checks the spec and the output folder, then trains every run of the grid as one task
 * of one Spark job ({@code local[N]} unless a master is given) and writes the table of their summaries,
 * {@code OUT/comparison.md} and {@code OUT/results.json}. A run that fails for its own reasons is a row with
 * its error; the others go on.
 *
 * @param spec          the spec file
 * @param outDir        OUT: a folder per run, and the table
 * @param master        a Spark master URL, or null for local[N]
 * @param threadsPerRun train.threads of each run (N = cores / threadsPerRun when the master is local)
 */
public record Sweep(Path spec, Path outDir, String master, int threadsPerRun) {
    static final String COMMAND = "jdna sweep";
    /** The local master for runs of {@code threadsPerRun} threads each: as many side by side as the cores hold. */
    public static String localMaster(int threadsPerRun) {
        return SparkJobs.localMaster(threadsPerRun);
    }

    /** Runs the sweep; returns one outcome per run, in grid order. */
    public List<RunOutcome> run(PrintWriter out) {
        List<SweepRun> runs = plan();
        List<RunOutcome> outcomes = trainInPhases(outDir, master == null ? SparkJobs.localMaster(threadsPerRun) : master,
                List.of(runs), out).getFirst();
        write(outcomes);
        return outcomes;
    }

    /** The same on a Spark context the caller holds (its master, its settings); the folder is checked first. */
    public List<RunOutcome> run(JavaSparkContext sc, PrintWriter out) {
        List<SweepRun> runs = plan();
        SparkJobs.checkWritable(COMMAND, outDir);
        out.printf("jdna sweep: %d runs on %s -> %s%n", runs.size(), sc.master(), outDir);
        out.flush();
        List<RunOutcome> outcomes = train(sc, runs, out);
        write(outcomes);
        return outcomes;
    }

    /** The spec's runs, every configuration resolved and checked; train.threads = threadsPerRun unless the spec sets it. */
    private List<SweepRun> plan() {
        if (threadsPerRun < 1) {
            throw new ConfigException("--threads-per-run must be >= 1, got " + threadsPerRun);
        }
        SweepSpec s = SweepSpec.read(spec);
        List<String> set = new ArrayList<>();
        set.add("train.threads=" + threadsPerRun);               // the spec's own train.threads wins
        set.addAll(s.set());
        return new SweepSpec(s.presets(), s.configs(), s.seeds(), set, s.variants()).plan(outDir.toAbsolutePath());
    }

    /**
     * Trains runs planned elsewhere (e.g. jdna compare's table) on {@code master}, phase after phase (a phase may
     * need the runs of an earlier one, as a distilled student needs its teacher), each phase one Spark job of one
     * task per run, all in one Spark context. Checks the folder and the master before anything starts. Returns
     * the outcomes of every phase, in order.
     */
    public static List<List<RunOutcome>> trainInPhases(Path outDir, String master, List<List<SweepRun>> phases,
                                                       PrintWriter out) {
        SparkJobs.checkWritable(COMMAND, outDir);
        SparkJobs.checkReachable(COMMAND, master);
        out.printf("jdna sweep: %d runs on %s -> %s%n", phases.stream().mapToInt(List::size).sum(), master, outDir);
        out.flush();
        List<List<RunOutcome>> outcomes = new ArrayList<>();
        try (JavaSparkContext sc = SparkJobs.open(COMMAND, master)) {
            for (List<SweepRun> phase : phases) {
                outcomes.add(train(sc, phase, out));
            }
        }
        return outcomes;
    }

    /**
     * One Spark job: a task per run, progress lines on {@code out}; the outcomes in the order of {@code runs}. A
     * context shut down under the job (the process is stopping) is a {@link SweepStoppedException}.
     */
    static List<RunOutcome> train(JavaSparkContext sc, List<SweepRun> runs, PrintWriter out) {
        if (runs.isEmpty()) {
            return List.of();
        }
        long[] steps = runs.stream().mapToLong(r -> r.resolve().train().steps()).toArray();
        SweepProgress progress = new SweepProgress(out, runs, steps);
        try {
            LongAccumulator stepAcc = sc.sc().longAccumulator(SweepProgress.STEPS);
            CollectionAccumulator<String> lineAcc = sc.sc().collectionAccumulator(SweepProgress.LINES);
            sc.sc().addSparkListener(progress);
            return sc.parallelize(runs, runs.size())
                    .map(r -> SweepTask.train(r, stepAcc, lineAcc))
                    .collect();
        } catch (Exception e) {     // Spark's SparkException is checked in Java's eyes, thrown undeclared by Scala
            if (sc.sc().isStopped()) {
                throw new SweepStoppedException(e);
            }
            throw e;
        } finally {
            if (!sc.sc().isStopped()) {
                SparkJobs.removeListenerWhenDrained(sc, progress);
            }
        }
    }

    private void write(List<RunOutcome> outcomes) {
        try {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (RunOutcome o : outcomes) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("run", o.name());
                r.put("status", o.ok() ? "finished" : "failed");
                if (o.ok()) {
                    r.putAll(o.summary());
                } else {
                    r.put("error", o.error());
                }
                rows.add(r);
            }
            Files.writeString(outDir.resolve("results.json"),
                    ConfigJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(rows));
            Files.writeString(outDir.resolve("comparison.md"), table(outcomes));
        } catch (IOException e) {
            throw new ConfigException("jdna sweep: cannot write the table in " + outDir + " (" + e.getMessage() + ")");
        }
    }

    /** The markdown table of the outcomes, one row per run in grid order. */
    public static String table(List<RunOutcome> outcomes) {
        StringBuilder b = new StringBuilder("| run | val loss | train loss | parameters | active / token | tokens/s"
                + " | wall s | status |\n|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (RunOutcome o : outcomes) {
            if (o.ok()) {
                Map<String, Object> s = o.summary();
                b.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %,d | %,.0f | %,.0f | %.1f | finished |%n",
                        o.name(), num(s, "valLoss"), num(s, "trainLoss"), (long) num(s, "totalParams"),
                        num(s, "activeParamsPerToken"), num(s, "tokensPerSecond"), num(s, "wallSeconds")));
            } else {
                b.append("| ").append(o.name()).append(" | | | | | | | failed: ")
                        .append(o.error().replace("|", "\\|")).append(" |\n");
            }
        }
        return b.toString();
    }

    private static double num(Map<String, Object> s, String key) {
        return s.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
