package org.jdna.dna.workers;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.LongAccumulator;
import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.ConfigJson;
import org.jdna.dna.config.RouterNoise;
import org.jdna.dna.config.RunConfig;
import org.jdna.dna.config.TrainConfig;
import org.jdna.dna.parallel.SocketWorkers;
import org.jdna.dna.spark.SparkJobs;
import org.jdna.dna.train.RunDirectory;

import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * {@code jdna train --workers N}: one run trained by N data-parallel workers, N barrier tasks of one Spark stage
 * ({@code local[N]} unless a master is given). Each step's batch is split into N shards, as train.microBatches = N
 * splits it; worker r runs shard r on its own replica, the workers sum their gradients in shard order
 * ({@link WorkerTask}), and the run is the one a single process with train.microBatches = N trains, bit for bit:
 * the same metrics.jsonl, checkpoints and summary, written by worker 0. A lost executor fails the stage, and
 * Spark's rerun resumes from the newest checkpoint.
 *
 * <p>Everything that can be refused is refused before Spark starts ({@link #settings}, {@link #check}).
 *
 * @param config    the run (train.microBatches = workers, see {@link #settings})
 * @param workers   N
 * @param master    a Spark master URL, or null for local[N]
 * @param resume    continue the run in train.outDir from its newest checkpoint
 * @param overwrite start over a run in train.outDir
 */
public record DataParallelTraining(RunConfig config, int workers, String master, boolean resume, boolean overwrite) {
    static final String COMMAND = "jdna train --workers";
    /** Bound on each connect between workers and on each wait for another worker's shard. */
    static final int TIMEOUT_MILLIS = 600_000;

    /**
     * The run's configuration for N workers, or a ConfigException naming the field that does not allow them:
     * train.batchSize must split into N equal shards; train.microBatches is N (a configuration that sets it
     * to anything but 1 or N is refused); dropout and router noise are off (their generators would draw shard
     * after shard in one process, but from the start on every worker). Where train.threads is 0 (all cores) and
     * the master is local, each worker gets cores / N threads.
     */
    public static RunConfig settings(RunConfig config, int workers, String master) {
        String w = "--workers " + workers;
        if (workers < 1) {
            throw new ConfigException(w + ": the number of workers must be at least 1");
        }
        TrainConfig t = config.train();
        List<String> problems = new ArrayList<>();
        if (t.batchSize() % workers != 0) {
            problems.add(w + ": train.batchSize = " + t.batchSize() + " does not split into " + workers
                    + " equal shards (make it a multiple of " + workers + ")");
        }
        if (t.microBatches() != 1 && t.microBatches() != workers) {
            problems.add(w + ": train.microBatches = " + t.microBatches() + " (the workers run the step's shards, one"
                    + " each: leave train.microBatches out, or set it to " + workers + ")");
        }
        if (workers > 1 && config.model().dropout() > 0) {
            problems.add(w + ": model.dropout = " + config.model().dropout() + " (each worker's dropout generator would"
                    + " start where the first shard's does; set it to 0)");
        }
        if (workers > 1 && config.model().routerNoise() != RouterNoise.NONE) {
            problems.add(w + ": model.routerNoise = " + config.model().routerNoise().jsonName() + " (each worker's"
                    + " noise generator would start where the first shard's does; set it to none)");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        TrainConfig shards = TrainConfig.FIELDS.with(t, TrainConfig.MICRO_BATCHES, workers);
        if (t.threads() == 0 && (master == null || master.startsWith("local"))) {
            shards = TrainConfig.FIELDS.with(shards, TrainConfig.THREADS,
                    Math.max(1, Runtime.getRuntime().availableProcessors() / workers));
        }
        return config.withTrain(shards);
    }

    /** What the driver checks before Spark starts: the folder, then that the master answers; returns the master. */
    String check() {
        checkFolder();
        String m = master == null ? "local[" + workers + "]" : master;
        SparkJobs.checkReachable(COMMAND, m);
        return m;
    }

    /** The run folder can be written, and holds no run to keep (or the checkpoint to resume from). */
    private void checkFolder() {
        RunDirectory dir = new RunDirectory(Path.of(config.train().outDir()));
        SparkJobs.checkWritable(COMMAND, dir.root());
        if (resume) {
            if (dir.checkpoints().latest().isEmpty()) {
                throw new ConfigException("--resume: " + dir.root() + " has no checkpoint to continue from");
            }
        } else {
            dir.checkFreshStart(overwrite);
        }
    }

    /** Trains the run; prints progress and the lead's results to {@code out}; returns every worker's outcome, by rank. */
    public List<WorkerOutcome> run(PrintWriter out) {
        requireSettings();
        String m = check();
        try (JavaSparkContext sc = SparkJobs.open("jdna train --workers " + workers, m,
                // a worker waiting on a lost peer is ended by Spark (the stage fails), not by this bound
                "spark.barrier.sync.timeout", (TIMEOUT_MILLIS / 1000 + 60) + "s")) {
            return run(sc, out);
        }
    }

    /**
     * The same on a Spark context the caller holds (its master and settings); the folder is checked first. The
     * cluster must hold N tasks at once: a barrier stage starts all its tasks together or none.
     */
    public List<WorkerOutcome> run(JavaSparkContext sc, PrintWriter out) {
        requireSettings();
        checkFolder();
        out.printf("jdna train: %d workers on %s -> %s%n", workers, sc.master(), config.train().outDir());
        out.flush();
        LongAccumulator steps = sc.sc().longAccumulator(WorkerProgress.STEPS);
        WorkerProgress progress = new WorkerProgress(out, workers, config.train().steps());
        sc.sc().addSparkListener(progress);
        List<WorkerOutcome> outcomes;
        try {
            WorkerTask task = new WorkerTask(ConfigJson.toJson(config), resume, overwrite, TIMEOUT_MILLIS, steps);
            ClassTag<WorkerOutcome> tag = ClassTag$.MODULE$.apply(WorkerOutcome.class);
            JavaRDD<Integer> ranks = sc.parallelize(IntStream.range(0, workers).boxed().toList(), workers);
            // The shuffle after the barrier stage makes it a map stage: Spark reruns a failed barrier map stage
            // (all its tasks), but aborts a failed barrier result stage.
            outcomes = new ArrayList<>(new JavaRDD<>(ranks.rdd().barrier().mapPartitions(task, false, tag), tag)
                    .repartition(1).collect());
        } finally {
            SparkJobs.removeListenerWhenDrained(sc, progress);
        }
        outcomes.sort(Comparator.comparingInt(WorkerOutcome::rank));
        WorkerOutcome lead = outcomes.getFirst();
        if (lead.ok()) {
            out.print(lead.console());
            out.println(cost(outcomes));
        } else {
            out.println("jdna train: the run failed: " + lead.error());
        }
        out.flush();
        return outcomes;
    }

    private void requireSettings() {
        if (config.train().microBatches() != workers) {
            throw new IllegalArgumentException("DataParallelTraining: the configuration is not the one settings()"
                    + " gives for " + workers + " workers");
        }
    }

    /** One line: the gradient all-reduce of the last attempt per step, as worker 0 saw it. */
    static String cost(List<WorkerOutcome> outcomes) {
        SocketWorkers.Cost c = outcomes.getFirst().cost();
        if (c == null || c.sums() == 0) {
            return "all-reduce: none (one worker, or no step run)";
        }
        return String.format(Locale.ROOT, "all-reduce (worker 0, %d steps): %,d floats, %,.0f bytes sent per step,"
                        + " %.1f ms per step; exchange of losses and routes %.1f ms per step",
                c.sums(), c.floats() / c.sums(), (double) c.bytesSent() / c.sums(), c.sumNanos() / 1e6 / c.sums(),
                c.gatherNanos() / 1e6 / c.sums());
    }
}
