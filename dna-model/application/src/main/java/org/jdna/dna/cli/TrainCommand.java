package org.jdna.dna.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.ConfigJson;
import org.jdna.dna.config.ConfigLoader;
import org.jdna.dna.config.Presets;
import org.jdna.dna.config.RunConfig;
import org.jdna.dna.radial.Distillation;
import org.jdna.dna.train.DenseBaseline;
import org.jdna.dna.train.DenseComparison;
import org.jdna.dna.train.ProgressBar;
import org.jdna.dna.train.RunDirectory;
import org.jdna.dna.train.TrainOptions;
import org.jdna.dna.train.Trainer;
import org.jdna.dna.workers.DataParallelTraining;
import org.jdna.dna.workers.WorkerOutcome;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jdna train}: one run from a preset / config file / overrides, or, with no arguments, the
 * README's main job: the default DNA (dna-top2) and then its dense baseline on the same token budget,
 * compared side by side.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a model (fetches the data on first use), evaluate it and write checkpoints.",
                "With no arguments: train the default DNA (dna-top2), then the dense baseline on the same token"
                        + " budget, and compare them (earlier runs in their folders are replaced)."})
final class TrainCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--steps", paramLabel = "N", description = "optimizer steps (train.steps)")
    Integer steps;

    @Option(names = "--seed", paramLabel = "N", description = "seed of every random stream (train.seed)")
    Long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "run folder (train.outDir)")
    String out;

    @Option(names = {"--backend", "--device"}, paramLabel = "NAME",
            description = "auto, reference, simd or cuda (train.backend); --device cuda trains on the GPU")
    String backend;

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads, 0 = all cores (train.threads)")
    Integer threads;

    @Option(names = "--eval-every", paramLabel = "N",
            description = "evaluate every N steps, 0 = only at the end (train.evalEvery)")
    Integer evalEvery;

    @Option(names = "--checkpoint-every", paramLabel = "N",
            description = "write a checkpoint every N steps, 0 = only at the end (train.checkpointEvery)")
    Integer checkpointEvery;

    @Option(names = "--resume", arity = "0..1", paramLabel = "RUN_DIR", fallbackValue = "",
            description = "continue a run from its newest checkpoint with its own config.json (default folder: the"
                    + " --out / preset folder). --steps, the intervals, the schedule and the backend may change; the"
                    + " seed, batch size, data and architecture may not (the original command's options are accepted"
                    + " where they agree). A finished run is left untouched")
    String resume;

    @Option(names = "--overwrite", description = "start fresh in a folder that holds an earlier run (deleting its files)")
    boolean overwrite;

    @Option(names = "--workers", paramLabel = "N", description = "data-parallel training: N Spark barrier tasks, each a"
            + " replica running one of N shards of every batch, gradients summed in shard order before each step; the"
            + " same bits as --set train.microBatches=N in one process (local[N] unless --master is given)")
    Integer workers;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master of --workers, e.g. spark://host:7077"
            + " (default local[N]); train.outDir must then be a folder every worker shares")
    String master;

    @Option(names = "--compare-dense", description = "after this run, train the dense baseline on the same"
            + " token budget and compare (the default with no arguments)")
    boolean compareDense;

    @Spec
    CommandSpec spec;

    /**
     * What {@code jdna train} with no arguments changes in the default preset, so that both runs together
     * finish in about three minutes on two cores with a DNA that writes mostly words; each choice was
     * measured (the sweep's table and its reasons: docs/main-job.md):
     * <ul>
     *   <li>rotary positions instead of a learned position table: with learned positions at T = 128 the model
     *       sits on the bigram plateau (about 2.4 nats) for hundreds of steps while it learns the table;</li>
     *   <li>4 routed steps over 6 transformer blocks and 2 identity modules instead of 6 over 8 + 2, and width
     *       D = 96 (H = 384) instead of 128: at this budget the loss follows the number of steps, and the smaller
     *       network learns as fast per step (measured) at about half the cost per token;</li>
     *   <li>450 steps of B=16 x T=128 (922k tokens) at peak learning rate 4e-3 (warmup 20, cosine to 4e-4);</li>
     *   <li>identity-bias controller speed u = 0.01 instead of 0.001: u bounds how far a bias can move per
     *       step, and u = 0.001 leaves the identity fraction far from r in a short run.</li>
     * </ul>
     * The presets keep their own settings, which {@code --compare-dense} runs.
     */
    static final List<String> MAIN_JOB = List.of("model.positions=rope", "model.width=96", "model.mlpHidden=384",
            "model.routedSteps=4", "model.pool=transformer:6,identity:2", "train.steps=450", "train.warmupSteps=20", "train.lr=0.004",
            "train.minLr=0.0004", "model.controllerSpeed=0.01");

    /**
     * What a command line asks for.
     *
     * @param run       the (first) run's configuration
     * @param denseOut  where the dense baseline goes, or null for a single run
     * @param mainJob   no arguments were given: the README's main job
     * @param resume    continue from the newest checkpoints
     * @param overwrite replace earlier runs in the folders
     */
    record Plan(RunConfig run, Path denseOut, boolean mainJob, boolean resume, boolean overwrite) {}

    Plan plan() {
        var parsed = spec.commandLine().getParseResult();
        boolean mainJob = parsed.matchedOptions().isEmpty() && parsed.matchedPositionals().isEmpty();
        RunConfig run = resume != null ? resumedConfig() : config.resolve(mainJob ? MAIN_JOB : shortcuts());
        Path denseOut = mainJob || compareDense
                ? DenseBaseline.folderFor(run, Presets.get(config.presetName()).train().outDir()) : null;
        return new Plan(run, denseOut, mainJob, resume != null, overwrite || mainJob);
    }

    @Override
    public Integer call() {
        if (workers != null) {
            return trainOnWorkers();
        }
        if (master != null) {
            throw new ConfigException("--master " + master + " is the Spark master of --workers N: give --workers too");
        }
        Plan plan = plan();
        TrainOptions options = TrainOptions.of(spec.commandLine().getOut(), spec.commandLine().getErr())
                .withExtensions(Distillation.FACTORY)
                .withProgress(ProgressBar.detect())
                .withResume(plan.resume())
                .withOverwrite(plan.overwrite());
        if (plan.mainJob()) {
            options.out().printf("jdna train: the main job: %s, then its dense baseline on the same %d steps"
                    + " (about a minute of training each on 2 cores, then each is scored on every held-out"
                    + " byte; earlier"
                    + " runs in %s and %s are replaced).%n"
                    + "  Short-run settings: %s. The presets' full budget: ./jdna train --compare-dense.%n%n",
                    config.presetName(), plan.run().train().steps(), plan.run().train().outDir(), plan.denseOut(),
                    String.join(", ", MAIN_JOB));
        }
        if (plan.denseOut() != null) {
            DenseComparison.run(plan.run(), plan.denseOut(), options);
        } else {
            Trainer.run(plan.run(), options);
        }
        if (plan.mainJob()) {
            options.out().printf("%njdna train: the main job took %s, wall clock from the start of the JVM (both"
                    + " trainings, their evaluations and samples).%n", sinceJvmStart());
            options.out().flush();
        }
        return 0;
    }

    /** {@code --workers N}: the run on N data-parallel workers (DataParallelTraining); 0 when it finished. */
    private int trainOnWorkers() {
        if (compareDense) {
            throw new ConfigException("--workers trains one run: leave out --compare-dense (train the dense baseline"
                    + " as a run of its own)");
        }
        RunConfig asked = resume != null ? resumedConfig() : config.resolve(shortcuts());
        RunConfig run = DataParallelTraining.settings(asked, workers, master);
        List<WorkerOutcome> outcomes = new DataParallelTraining(run, workers, master, resume != null, overwrite)
                .run(spec.commandLine().getOut());
        WorkerOutcome lead = outcomes.getFirst();
        if (lead.ok()) {
            return 0;
        }
        spec.commandLine().getErr().println("error: " + lead.error());
        spec.commandLine().getErr().flush();
        return lead.diverged() ? Main.DIVERGED : Main.USER_ERROR;
    }

    /**
     * "3m12s" since this JVM started (its own start-up included; not the jar's build, which {@code ./jdna}
     * runs first when the sources changed: the launcher's process becomes the JVM, so the process's start
     * time would count the build too).
     */
    static String sinceJvmStart() {
        long seconds = Math.max(0, (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000);
        return seconds >= 60 ? seconds / 60 + "m" + String.format(Locale.ROOT, "%02d", seconds % 60) + "s" : seconds + "s";
    }

    /** --steps, --seed, --out, --backend, --threads and the intervals as overrides (applied after --set). */
    private List<String> shortcuts() {
        List<String> s = new ArrayList<>();
        if (steps != null) {
            s.add("train.steps=" + steps);
        }
        if (seed != null) {
            s.add("train.seed=" + seed);
        }
        if (out != null) {
            s.add("train.outDir=" + out);
        }
        if (backend != null) {
            s.add("train.backend=" + backend);
        }
        if (threads != null) {
            s.add("train.threads=" + threads);
        }
        if (evalEvery != null) {
            s.add("train.evalEvery=" + evalEvery);
        }
        if (checkpointEvery != null) {
            s.add("train.checkpointEvery=" + checkpointEvery);
        }
        return s;
    }

    /**
     * The run folder's config.json with --set and the shortcuts on top; outDir is the folder itself. A
     * preset, config file or task may be named too (the original command's options): they must then give
     * the run's own configuration, field for field.
     */
    private RunConfig resumedConfig() {
        List<String> extra = shortcuts();
        Path runDir;
        if (resume.isEmpty()) {
            runDir = Path.of(config.resolve(extra).train().outDir());
        } else {
            runDir = Path.of(resume);
            if (out != null && !Path.of(out).normalize().equals(runDir.normalize())) {
                throw new ConfigException("--resume " + resume + " and --out " + out + " name different folders");
            }
        }
        Path saved = runDir.resolve(RunDirectory.CONFIG);
        if (!Files.exists(saved)) {
            throw new ConfigException("--resume: " + runDir + " is not a run folder (it has no "
                    + RunDirectory.CONFIG + ")");
        }
        extra.add("train.outDir=" + runDir);
        RunConfig continued = ConfigLoader.load(null, saved, config.overrides(extra));
        if (config.namesABase()) {
            List<String> diffs = new ArrayList<>();
            differences("", ConfigJson.toTree(config.resolve(extra)), ConfigJson.toTree(continued), diffs);
            if (!diffs.isEmpty()) {
                throw new ConfigException("--resume: --preset/--config/--task give another configuration than the"
                        + " run's " + saved + ": " + String.join("; ", diffs.subList(0, Math.min(4, diffs.size())))
                        + (diffs.size() > 4 ? "; and " + (diffs.size() - 4) + " more" : "")
                        + " (resume with the options of the original command, or with none of these three)");
            }
        }
        return continued;
    }

    /** Each field where {@code asked} and {@code run} differ, as "model.width = 64 here, 128 in the run". */
    private static void differences(String path, JsonNode asked, JsonNode run, List<String> out) {
        if (asked.isObject() && run.isObject()) {
            Set<String> keys = new TreeSet<>();
            asked.fieldNames().forEachRemaining(keys::add);
            run.fieldNames().forEachRemaining(keys::add);
            for (String k : keys) {
                differences(path.isEmpty() ? k : path + "." + k, asked.path(k), run.path(k), out);
            }
        } else if (!asked.equals(run)) {
            out.add(path + " = " + text(asked) + " here, " + text(run) + " in the run");
        }
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() ? "(absent)" : n.isTextual() ? n.textValue() : n.toString();
    }
}
