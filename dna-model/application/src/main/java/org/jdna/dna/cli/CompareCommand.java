package org.jdna.dna.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.Task;
import org.jdna.dna.compare.Comparison;
import org.jdna.dna.radial.Distillation;
import org.jdna.dna.sweep.Sweep;
import org.jdna.dna.train.ProgressBar;
import org.jdna.dna.train.TrainOptions;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jdna compare [--task vision] [--quick]}: trains dense, MoE, MoD, DNA top-1, DNA top-2, Radial and
 * distilled Radial (vision: dense ViTs, DNA top-1, DNA top-2) with every seed at equal budget, as a sweep
 * (one Spark task per run; local[1], one run at a time in this process, unless --master or --threads-per-run says
 * otherwise), and writes the comparison table (markdown + JSON).
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Train dense, MoE (top-2), MoD (r = 0.3), DNA top-1, DNA top-2 (r = 0.3), Radial (scratch) and"
                + " Radial (distilled) on the Brown corpus (--task vision: dense ViTs, DNA top-1 and top-2 on"
                + " Fashion-MNIST), 3 seeds each (vision, --quick: 2), and write the comparison table.")
final class CompareCommand implements Callable<Integer> {
    @Option(names = "--task", paramLabel = "TASK", description = "language (default: the Brown corpus table) or vision"
            + " (Fashion-MNIST: dense ViT, DNA top-1, DNA top-2 at r = 0.25, test-set accuracy)")
    String task = "language";

    @Option(names = "--quick", description = "a short version: language 300 steps instead of 12,000, vision 500"
            + " steps of 64 images with 4x4 patches instead of 15 epochs with 7x7; about 15 minutes each on 2 cores")
    boolean quick;

    @Option(names = "--seeds", split = ",", paramLabel = "S1,S2", description = "seeds (default 1,2,3 for the"
            + " language table, 1,2 with --quick or --task vision)")
    List<Long> seeds;

    @Option(names = "--resume", description = "continue the runs in the folder from their newest checkpoints and keep"
            + " the finished ones (the table's budget can be trained in pieces: stop it, run the same command with"
            + " --resume); without it every run starts over")
    boolean resume;

    @Option(names = "--out", paramLabel = "DIR", description = "folder of the runs and the table"
            + " (default runs/compare, runs/compare-vision with --task vision)")
    Path out;

    @Option(names = "--only", split = ",", paramLabel = "ENTRY", description = "run only these entries"
            + " (radial-distil needs the dense runs)")
    List<String> only = List.of();

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "override for every run, after --quick"
            + " (e.g. train.steps=10, train.backend=simd)")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--master", paramLabel = "URL", description = "Spark master of the runs (default local[1]: one run"
            + " at a time, with all cores; with --threads-per-run T, local[cores / T])")
    String master;

    @Option(names = "--threads-per-run", paramLabel = "T", description = "train.threads of each run, and runs side by"
            + " side on a local master (default: all cores, one run at a time)")
    Integer threadsPerRun;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Task t = ConfigOptions.parseTask(task);
        only.forEach(id -> Comparison.entry(t, id));
        List<String> common = new ArrayList<>();
        if (threadsPerRun != null) {
            if (threadsPerRun < 1) {
                throw new ConfigException("--threads-per-run must be >= 1, got " + threadsPerRun);
            }
            common.add("train.threads=" + threadsPerRun);              // --set train.threads still wins
        }
        common.addAll(quick ? Comparison.quick(t) : Comparison.budget(t));
        common.addAll(overrides);
        Path folder = out != null ? out : Path.of(t == Task.VISION ? "runs/compare-vision" : "runs/compare");
        Comparison.Plan plan = new Comparison.Plan(t, folder, seeds != null ? seeds : Comparison.defaultSeeds(t, quick),
                common, only, resume);
        TrainOptions options = TrainOptions.of(spec.commandLine().getOut(), spec.commandLine().getErr())
                .withExtensions(Distillation.FACTORY)
                .withProgress(ProgressBar.Mode.LINES);
        String m = master != null ? master : threadsPerRun == null ? "local[1]" : Sweep.localMaster(threadsPerRun);
        Comparison.Result result = Comparison.run(plan, m, options);
        Comparison.print(spec.commandLine().getOut(), result, plan);
        if (!result.ok()) {
            return 1;
        }
        return 0;
    }
}
