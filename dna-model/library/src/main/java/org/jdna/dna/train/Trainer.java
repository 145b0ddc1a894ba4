package org.jdna.dna.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.RunConfig;
import org.jdna.dna.config.Task;
import org.jdna.dna.config.TrainConfig;
import org.jdna.dna.data.WordShare;
import org.jdna.dna.io.Checkpoint;
import org.jdna.dna.io.MetricsLog;
import org.jdna.dna.model.ComputeAccount;
import org.jdna.dna.model.DnaModel;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.optim.AdamW;
import org.jdna.engine.optim.WarmupCosine;

/**
 * Trains one model from a {@link RunConfig}: sets up the backend, data, model, AdamW with warmup +
 * cosine and the run folder (fresh, or resumed from its newest checkpoint), prints what will run
 * (parameters, active parameters and forward FLOPs per token), runs the {@link TrainLoop}, ends a
 * language run with a short {@link TextSample} and its word share, and prints the summary. Same seed and
 * backend give a bit-identical loss curve, resumed or not.
 */
public final class Trainer {
    private Trainer() {}

    public static RunSummary run(RunConfig config, TrainOptions options) {
        long wallStart = System.nanoTime();
        TrainConfig t = config.train();
        checkWorkers(config, options.workers());
        if (!options.workers().leads()) {
            throw new IllegalArgumentException("Trainer.run is the lead worker's (rank 0); worker "
                    + options.workers().rank() + " follows it: Trainer.follow");
        }
        RunDirectory dir = new RunDirectory(Path.of(t.outDir()));
        Checkpoint.Loaded resumeFrom = null;
        if (options.resume()) {
            resumeFrom = dir.checkpoints().loadLatest(config).orElseThrow(() -> new ConfigException(
                    "--resume: " + dir.root() + " has no checkpoint to continue from"));
            ResumeCheck.agree(dir.root(), resumeFrom.state().config(), config);
            long done = resumeFrom.state().step();
            if (done > t.steps()) {
                throw new ConfigException("--resume: the run in " + dir.root() + " is at step " + done + ", past"
                        + " train.steps = " + t.steps() + ": a run cannot be shortened (eval or sample its checkpoint)");
            }
            if (done == t.steps()) {
                return finished(dir, resumeFrom.state().config(), done, options);
            }
        } else {
            dir.checkFreshStart(options.overwrite());
            dir.clearForFreshRun();
        }
        Session session = Session.open(config, options, resumeFrom);
        Backend backend = session.backend();
        TaskData data = session.data();
        DnaModel model = session.model();
        long step = session.step();
        List<Map<String, Object>> earlier = List.of();
        if (resumeFrom != null) {
            earlier = dir.trimMetricsAfter(step, line -> {
                options.err().println("note: " + line);
                options.err().flush();
            });
        }
        dir.writeConfig(config);
        String name = dir.root().toAbsolutePath().normalize().getFileName().toString();
        ComputeAccount atStart = ModelProbe.account(model, data);
        long tokensPerStep = (long) t.batchSize() * config.model().sequenceLength();
        printHeader(options, name, dir, config, backend, data, atStart, step, tokensPerStep);

        try (MetricsLog log = MetricsLog.open(dir.metricsFile(), resumeFrom != null)) {
            TrainMetrics metrics = new TrainMetrics(log, config);
            metrics.start(step, backend.description(), data.description(), atStart, tokensPerStep);
            TrainLoop loop = new TrainLoop(config, dir, model, session.optimizer(), session.schedule(), data, metrics,
                    options, resumeFrom == null ? null : resumeFrom.dir(), session.extension());
            loop.replay(earlier);
            RunSummary summary = loop.run(name, step, atStart, wallStart);
            if (config.model().task() == Task.LANGUAGE) {
                summary = summary.withSample(TextSample.generate(model,
                        WordShare.of(options.datasets().text(config.data()))));
            }
            metrics.summary(summary);
            dir.writeSummary(summary.toMap());
            SummaryReport.print(options.out(), summary, data.description());
            return summary;
        }
    }

    /**
     * A data-parallel worker other than the lead (rank 0): the same model, optimizer, data and steps as the lead,
     * resumed from the lead's newest checkpoint when {@code options.resume()}, its shard of every step run in step
     * with the others ({@link WorkerGroup}); it writes nothing (no metrics, checkpoints or summary: the lead's are
     * the run's) and evaluates nothing. Returns the last step's result, null when there was no step left to run.
     */
    public static StepResult follow(RunConfig config, TrainOptions options) {
        TrainConfig t = config.train();
        checkWorkers(config, options.workers());
        if (options.workers().leads()) {
            throw new IllegalArgumentException("Trainer.follow is for workers 1..N-1; worker 0 leads: Trainer.run");
        }
        RunDirectory dir = new RunDirectory(Path.of(t.outDir()));
        Checkpoint.Loaded resumeFrom = null;
        if (options.resume()) {
            resumeFrom = dir.checkpoints().loadLatest(config).orElseThrow(() -> new ConfigException(
                    "--resume: " + dir.root() + " has no checkpoint to continue from"));
        }
        Session session = Session.open(config, options, resumeFrom);
        TrainStep trainStep = session.trainStep(new DivergenceGuard(dir.root(), resumeFrom == null ? null
                : resumeFrom.dir()), options.workers());
        StepResult last = null;
        for (long s = session.step() + 1; s <= t.steps(); s++) {
            options.hooks().beforeStep(s, session.model());
            last = trainStep.run(s, session.data().nextTrain());
        }
        return last;
    }

    /**
     * The training throughput of a run, timed on its own: resumes the run's newest checkpoint in memory, runs
     * {@code warmup} untimed steps past it (the JIT and the pool settle), then {@code timed} timed steps, and returns
     * their tokens per second. Nothing is written: the run's folder, checkpoints and metrics stay as they were. For
     * tables whose runs trained side by side or on a shared machine ({@code jdna compare}), where each run's own
     * tokens/s is rough. Steps past train.steps run at the schedule's floor, which costs the same.
     */
    public static double timeSteps(RunConfig config, TrainOptions options, int warmup, int timed) {
        if (warmup < 0 || timed < 1) {
            throw new IllegalArgumentException("Trainer.timeSteps: need warmup >= 0 and timed >= 1 steps, got "
                    + warmup + " and " + timed);
        }
        RunDirectory dir = new RunDirectory(Path.of(config.train().outDir()));
        Checkpoint.Loaded from = dir.checkpoints().loadLatest(config).orElseThrow(() -> new ConfigException(
                "timing training steps: " + dir.root() + " has no checkpoint to start from"));
        Session session = Session.open(config, options, from);
        TrainStep trainStep = session.trainStep(new DivergenceGuard(dir.root(), from.dir()), WorkerGroup.SINGLE);
        long step = session.step();
        for (int i = 0; i < warmup; i++) {
            trainStep.run(++step, session.data().nextTrain());
        }
        long tokens = 0;
        long start = System.nanoTime();
        for (int i = 0; i < timed; i++) {
            TrainBatch batch = session.data().nextTrain();
            tokens += batch.tokens();
            trainStep.run(++step, batch);
        }
        session.backend().synchronize();
        return tokens / ((System.nanoTime() - start) / 1e9);
    }

    /** N > 1 workers run the N shards of train.microBatches = N, one each. */
    static void checkWorkers(RunConfig config, WorkerGroup workers) {
        int m = config.train().microBatches();
        if (workers.size() > 1 && m != workers.size()) {
            throw new ConfigException("train.microBatches = " + m + ", but the run has " + workers.size()
                    + " data-parallel workers: each worker runs one of the step's shards, so train.microBatches"
                    + " must equal the number of workers");
        }
    }

    /** What every worker builds alike: backend, data, model, extension, optimizer, schedule, at the resumed step. */
    private record Session(RunConfig config, Backend backend, TaskData data, DnaModel model, TrainExtension extension,
                           AdamW optimizer, WarmupCosine schedule, long step) {
        static Session open(RunConfig config, TrainOptions options, Checkpoint.Loaded resumeFrom) {
            TrainConfig t = config.train();
            Backend backend = BackendSetup.select(t);
            TaskData data = TaskData.open(config, options.datasets());
            DnaModel model = new DnaModel(config.model(), t.seed());
            TrainExtension extension = options.extensions().open(config, options.err());
            if (resumeFrom == null) {
                extension.initialise(model);
            }
            AdamW optimizer = new AdamW(model, new AdamW.Options(t.lr(), t.beta1(), t.beta2(), t.adamEps(),
                    t.weightDecay()));
            WarmupCosine schedule = new WarmupCosine(t.lr(), t.minLr(), warmupSteps(t), t.steps());
            long step = resumeFrom == null ? 0 : TrainingCheckpoints.restore(resumeFrom, model, optimizer, data);
            return new Session(config, backend, data, model, extension, optimizer, schedule, step);
        }

        /** The step that trains this session's model, its shards on {@code workers}. */
        TrainStep trainStep(DivergenceGuard guard, WorkerGroup workers) {
            TrainConfig t = config.train();
            return new TrainStep(model, optimizer, schedule, t.gradClip(), guard, extension, t.microBatches(), workers);
        }
    }

    /**
     * The warm-up the run uses: train.warmupSteps when it is shorter than the run, else a tenth of the run
     * (at least one step), as the presets have it: a warm-up as long as the run would raise the learning
     * rate from start to end and never decay it.
     */
    static int warmupSteps(TrainConfig t) {
        return t.warmupSteps() < t.steps() ? t.warmupSteps() : Math.max(1, t.steps() / 10);
    }

    /** A resumed run that had already reached train.steps: says so, writes nothing, returns its summary.json. */
    private static RunSummary finished(RunDirectory dir, RunConfig config, long step, TrainOptions options) {
        RunSummary s = dir.readSummary(config).orElseThrow(() -> new ConfigException("--resume: the run in "
                + dir.root() + " reached its last step (" + step + ") but has no readable " + RunDirectory.SUMMARY
                + " (it stopped before writing it); jdna eval " + dir.root() + " gives its final validation loss"));
        options.out().printf(Locale.ROOT, "jdna train: the run in %s finished at step %d of %d: nothing to do, its files"
                        + " are unchanged (%s loss %.4f; a larger --steps continues it)%n", dir.root(), step,
                step, s.vision() ? "test" : "validation", s.finalEval().loss());
        options.out().flush();
        return s;
    }

    private static void printHeader(TrainOptions o, String name, RunDirectory dir, RunConfig config, Backend backend,
                                    TaskData data, ComputeAccount a, long step, long tokensPerStep) {
        TrainConfig t = config.train();
        var out = o.out();
        out.printf("jdna train: %s -> %s (%s)%n", name, dir.root(),
                step == 0 ? "fresh run" : "resuming after step " + step);
        out.println("  model   " + Format.model(config.model()));
        out.println("  data    " + data.description());
        out.println("  backend " + backend.description());
        out.printf("  size    %s parameters; per token %s active, %s forward FLOPs (%s)%n",
                Format.count(a.totalParameters()), Format.count(a.activeParametersPerToken()),
                Format.si(a.forwardFlopsPerToken()), step == 0 ? "at initialisation" : "at step " + step);
        int warmup = warmupSteps(t);
        String scaled = warmup == t.warmupSteps() ? "" : " (train.warmupSteps = " + t.warmupSteps()
                + " is not shorter than the run: a tenth of it)";
        out.printf(Locale.ROOT, "  budget  %d steps x %s tokens = %s tokens; AdamW lr %.3g, warmup %d%s, cosine to %.3g,"
                        + " clip %.3g, seed %d%n", t.steps(), Format.count(tokensPerStep),
                Format.count((double) t.steps() * tokensPerStep), t.lr(), warmup, scaled,
                t.minLr(), t.gradClip(), t.seed());
        out.flush();
    }
}
