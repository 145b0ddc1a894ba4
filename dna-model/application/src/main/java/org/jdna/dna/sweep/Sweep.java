package org.jdna.dna.sweep;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.ConfigJson;

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
    static final int CONNECT_TIMEOUT_MS = 5_000;

    /** The local master: as many concurrent runs as the cores hold at {@code threadsPerRun} each. */
    public static String localMaster(int threadsPerRun) {
        return "local[" + Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, threadsPerRun)) + "]";
    }

    /** Runs the sweep; returns one outcome per run, in grid order. */
    public List<RunOutcome> run(PrintWriter out) {
        if (threadsPerRun < 1) {
            throw new ConfigException("--threads-per-run must be >= 1, got " + threadsPerRun);
        }
        SweepSpec s = SweepSpec.read(spec);
        List<String> set = new ArrayList<>();
        set.add("train.threads=" + threadsPerRun);               // the spec's own train.threads wins
        set.addAll(s.set());
        List<SweepRun> runs = new SweepSpec(s.presets(), s.configs(), s.seeds(), set, s.variants())
                .plan(outDir.toAbsolutePath());
        checkWritable(outDir);
        String m = master == null ? localMaster(threadsPerRun) : master;
        checkReachable(m);
        long[] steps = runs.stream().mapToLong(r -> r.resolve().train().steps()).toArray();
        out.printf("jdna sweep: %d runs on %s -> %s%n", runs.size(), m, outDir);
        out.flush();
        SparkConf conf = new SparkConf().setAppName("jdna sweep").setMaster(m)
                .set("spark.ui.enabled", "false")
                .set("spark.executor.heartbeatInterval", "2s")
                .set("spark.task.maxFailures", "4");
        if (m.startsWith("local")) {
            conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        }
        List<RunOutcome> outcomes;
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            LongAccumulator stepAcc = sc.sc().longAccumulator(SweepProgress.STEPS);
            CollectionAccumulator<String> lineAcc = sc.sc().collectionAccumulator(SweepProgress.LINES);
            sc.sc().addSparkListener(new SweepProgress(out, runs, steps));
            outcomes = sc.parallelize(runs, runs.size())
                    .map(r -> SweepTask.train(r, stepAcc, lineAcc))
                    .collect();
        }
        write(outcomes);
        return outcomes;
    }

    /** Refuses a folder that cannot be made or written, before anything trains. */
    static void checkWritable(Path dir) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-check", "");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new ConfigException("jdna sweep: the output folder " + dir + " cannot be written (" + e + ")");
        }
    }

    /** A spark:// master that does not answer a TCP connect within 5 s is refused at once, naming it. */
    static void checkReachable(String master) {
        if (!master.startsWith("spark://")) {
            return;
        }
        IOException last = null;
        for (String hostPort : master.substring("spark://".length()).split(",")) {
            URI u = URI.create("spark://" + hostPort);
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(u.getHost(), u.getPort() < 0 ? 7077 : u.getPort()),
                        CONNECT_TIMEOUT_MS);
                return;
            } catch (IOException e) {
                last = e;
            }
        }
        throw new ConfigException("jdna sweep: the Spark master " + master + " cannot be reached (" + last
                + "); start it, or leave out --master to run on this machine");
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
