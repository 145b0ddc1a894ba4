package org.jdna.dna.sweep;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.stream.Stream;

import org.apache.spark.TaskContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.jdna.dna.config.RunConfig;
import org.jdna.dna.radial.Distillation;
import org.jdna.dna.train.ProgressBar;
import org.jdna.dna.train.RunSummary;
import org.jdna.dna.train.TrainHooks;
import org.jdna.dna.train.TrainOptions;
import org.jdna.dna.train.Trainer;

/**
 * The body of one sweep task: trains its run with the ordinary trainer into its own folder, its console
 * going to that folder's console.log. A run that already has a checkpoint resumes from it (a finished run is
 * left as it is), unless the run is to start fresh; a task Spark reruns (its executor was lost) always resumes. Its steps count up in {@code steps} and its last line goes to {@code lines}, which the
 * driver's listener prints; any failure of the run itself comes back as its outcome, never as a task failure,
 * so the other runs go on.
 */
final class SweepTask {
    static final String CONSOLE = "console.log";

    private SweepTask() {}

    static RunOutcome train(SweepRun run, LongAccumulator steps, CollectionAccumulator<String> lines) {
        RunOutcome outcome;
        try {
            RunConfig config = run.resolve();
            Path dir = Path.of(config.train().outDir());
            Files.createDirectories(dir);
            boolean hasCheckpoints;
            try (Stream<Path> c = Files.isDirectory(dir.resolve("checkpoints")) ? Files.list(dir.resolve("checkpoints"))
                    : Stream.empty()) {
                hasCheckpoints = c.findAny().isPresent();
            }
            TaskContext task = TaskContext.get();
            boolean rerun = task != null && task.attemptNumber() > 0;
            boolean resume = hasCheckpoints && (!run.fresh() || rerun);
            // a resumed run adds to its console rather than replacing what its earlier pieces printed
            OpenOption[] console = resume ? new OpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.APPEND}
                    : new OpenOption[0];
            try (PrintWriter log = new PrintWriter(Files.newBufferedWriter(dir.resolve(CONSOLE), console), true)) {
                TrainOptions options = TrainOptions.of(log, log).withProgress(ProgressBar.Mode.LINES)
                        .withExtensions(Distillation.FACTORY).withResume(resume).withOverwrite(!resume)
                        .withHooks(reportSteps(steps));
                RunSummary s = Trainer.run(config, options);
                outcome = new RunOutcome(run.name(), new LinkedHashMap<>(s.toMap()), null);
                lines.add(String.format(Locale.ROOT, "%s finished: val loss %.4f, %.0f s", run.name(),
                        s.finalEval().loss(), s.wallSeconds()));
            }
        } catch (IOException e) {
            outcome = failed(run, new UncheckedIOException(e), lines);
        } catch (RuntimeException e) {
            outcome = failed(run, e, lines);
        }
        return outcome;
    }

    /**
     * Keeps {@code steps} at the number of the step the run is on, counted from the run's start, so
     * that a run resumed after step 7,000 reports "step 7,001 of ...", not "step 1".
     */
    static TrainHooks reportSteps(LongAccumulator steps) {
        long[] reported = {0};
        return (step, model) -> {
            steps.add(step - reported[0]);
            reported[0] = step;
        };
    }

    private static RunOutcome failed(SweepRun run, RuntimeException e, CollectionAccumulator<String> lines) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst()
                .orElse("");
        lines.add(run.name() + " FAILED: " + message);
        return new RunOutcome(run.name(), null, message);
    }
}
