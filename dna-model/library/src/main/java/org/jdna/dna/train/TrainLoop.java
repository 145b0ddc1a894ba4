package org.jdna.dna.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jdna.dna.config.ModuleKind;
import org.jdna.dna.config.RunConfig;
import org.jdna.dna.config.Task;
import org.jdna.dna.config.TrainConfig;
import org.jdna.dna.model.ComputeAccount;
import org.jdna.dna.model.DnaModel;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.optim.LrSchedule;
import org.jdna.engine.optim.Optimizer;

/**
 * The steps of one session of a run, from the step after the last checkpoint to train.steps:
 * each step, then its metrics and progress; an evaluation of the fast held-out sample every evalEvery
 * steps and at the end, and of the whole held-out split at the end; a checkpoint every checkpointEvery
 * steps and at the end. A diverged step is logged and stops the loop with the checkpoints on disk untouched.
 */
final class TrainLoop {
    private final RunConfig config;
    private final TrainConfig t;
    private final RunDirectory dir;
    private final DnaModel model;
    private final Optimizer optimizer;
    private final TaskData data;
    private final TrainMetrics metrics;
    private final TrainOptions options;
    private final TrainStep trainStep;
    private final DivergenceGuard guard;
    private final ComputeTally tally = new ComputeTally();
    private final RecentSteps recent;
    private final boolean hasIdentity;
    private final Backend backend;

    TrainLoop(RunConfig config, RunDirectory dir, DnaModel model, Optimizer optimizer, LrSchedule schedule,
              TaskData data, TrainMetrics metrics, TrainOptions options, Path resumedCheckpoint,
              TrainExtension extension) {
        this.config = config;
        this.t = config.train();
        this.dir = dir;
        this.model = model;
        this.optimizer = optimizer;
        this.data = data;
        this.metrics = metrics;
        this.options = options;
        this.guard = new DivergenceGuard(dir.root(), resumedCheckpoint);
        this.trainStep = new TrainStep(model, optimizer, schedule, t.gradClip(), guard, extension,
                t.microBatches(), options.workers());
        this.recent = RecentSteps.forRun(t.steps());
        this.hasIdentity = config.model().pool().count(ModuleKind.IDENTITY) > 0;
        this.backend = model.parameters().getFirst().backend();
    }

    /** Feeds the step records an earlier session logged (kept up to the resumed checkpoint) into the run's averages. */
    void replay(List<Map<String, Object>> records) {
        for (Map<String, Object> r : records) {
            if ("step".equals(r.get("type")) && r.get("activeParamsPerToken") instanceof Number active
                    && r.get("forwardFlopsPerToken") instanceof Number flops) {
                tally.add(0, active.doubleValue(), flops.doubleValue());
            }
        }
    }

    /** Runs steps {@code done + 1 .. train.steps} (at least one: the last evaluates); returns the run's summary. */
    RunSummary run(String name, long done, ComputeAccount atStart, long wallStart) {
        if (done >= t.steps()) {
            throw new IllegalStateException("TrainLoop: nothing to run after step " + done + " of " + t.steps());
        }
        long tokensPerStep = (long) t.batchSize() * config.model().sequenceLength();
        ProgressBar progress = new ProgressBar(options.err(), options.progress(), t.steps(), t.logEvery(), "tok");
        progress.start(done + 1);
        long trainNanos = 0;
        long sessionTokens = 0;
        EvalResult lastEval = null;
        EvalResult heldOut = null;
        Path lastCheckpoint = dir.checkpoints().latest().orElse(null);
        long sessionStart = System.nanoTime();
        try {
            for (long s = done + 1; s <= t.steps(); s++) {
                options.hooks().beforeStep(s, model);
                StepResult r = trainStep.run(s, data.nextTrain());
                trainNanos += r.nanos();
                sessionTokens += r.tokens();
                ComputeAccount account = model.account(r.trace());
                tally.add(account);
                recent.add(r.loss(), r.trace());
                metrics.step(r, account, s * tokensPerStep, (System.nanoTime() - sessionStart) / 1e9,
                        backend.memoryStats());
                progress.step(r, hasIdentity ? RecentSteps.mean(RecentSteps.identityFractions(r.trace())) : Double.NaN);
                boolean last = s == t.steps();
                EvalResult evalNow = null;
                if (last || (t.evalEvery() > 0 && s % t.evalEvery() == 0)) {
                    evalNow = evaluate(s, progress);
                    lastEval = evalNow;
                }
                if (last) {
                    heldOut = evaluateHeldOut(progress);
                }
                if (last || (t.checkpointEvery() > 0 && s % t.checkpointEvery() == 0)) {
                    lastCheckpoint = checkpoint(s, r.loss(), evalNow, heldOut, progress);
                }
            }
        } catch (TrainingDivergedException e) {
            progress.finish();
            metrics.diverged(e);
            throw e;
        }
        progress.finish();
        ComputeAccount average = tally.batches() == 0 ? atStart : withTotal(tally.average(), atStart.totalParameters());
        double wall = (System.nanoTime() - wallStart) / 1e9;
        return new RunSummary(name, config, dir.root(), lastCheckpoint, t.steps(), t.steps() * tokensPerStep,
                trainNanos / 1e9, wall, trainNanos == 0 ? 0 : sessionTokens * 1e9 / trainNanos, heldOut, lastEval,
                recent.size() == 0 ? Double.NaN : recent.meanLoss(), average, hasIdentity ? recent.meanIdentity()
                : new double[0], backend.memoryStats(), null);
    }

    /** The fast sample: a progress line named as such, and the metrics' eval record. */
    private EvalResult evaluate(long step, ProgressBar progress) {
        EvalResult e = Evaluator.evaluate(model, data.evalBatches());
        metrics.eval(step, e);
        progress.message(String.format(Locale.ROOT, "eval step %d: val (sample) loss %.4f%s", step, e.loss(),
                figure(e)));
        return e;
    }

    /** The whole held-out split, once at the end: the figure the summary publishes. */
    private EvalResult evaluateHeldOut(ProgressBar progress) {
        TaskData.HeldOut whole = data.heldOutBatches();
        progress.message("scoring " + whole.description() + " (" + whole.batches().size() + " batches)");
        long start = System.nanoTime();
        EvalResult e = Evaluator.evaluate(model, whole.batches());
        progress.message(String.format(Locale.ROOT, "%s loss %.4f%s over the whole split (%s)", whole.split(), e.loss(),
                figure(e), Format.duration((System.nanoTime() - start) / 1e9)));
        return e;
    }

    private String figure(EvalResult e) {
        return config.model().task() == Task.VISION ? String.format(Locale.ROOT, ", accuracy %.1f%%", 100 * e.accuracy())
                : String.format(Locale.ROOT, " (%.3f bits/byte)", e.bitsPerByte());
    }

    private Path checkpoint(long step, double loss, EvalResult eval, EvalResult heldOut, ProgressBar progress) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", loss);
        m.put("tokens", (double) step * t.batchSize() * config.model().sequenceLength());
        if (eval != null) {
            m.put("valSampleLoss", eval.loss());
            m.put("valSampleAccuracy", eval.accuracy());
        }
        if (heldOut != null) {
            String split = config.model().task() == Task.VISION ? "test" : "val";
            m.put(split + "Loss", heldOut.loss());
            m.put(split + "Accuracy", heldOut.accuracy());
        }
        Path saved = TrainingCheckpoints.save(dir.checkpoints(), step, config, model, optimizer, data, m);
        guard.checkpointWritten(saved);
        metrics.checkpoint(step, saved.toString());
        progress.message("saved " + saved);
        return saved;
    }

    /** The replayed averages carry no parameter count; the live model's is the run's. */
    private static ComputeAccount withTotal(ComputeAccount a, long total) {
        return new ComputeAccount(total, a.activeParametersPerToken(), a.forwardFlopsPerToken());
    }
}
