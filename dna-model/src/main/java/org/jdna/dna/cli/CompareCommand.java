package org.jdna.dna.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.jdna.dna.radial.Comparison;
import org.jdna.dna.train.ProgressBar;
import org.jdna.dna.train.TrainOptions;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jdna compare [--quick]}: trains dense, MoE, MoD, DNA top-1, DNA top-2, Radial and distilled Radial
 * with every seed at equal token budget and writes the comparison table (markdown + JSON).
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Train dense, MoE (top-2), MoD (r = 0.3), DNA top-1, DNA top-2 (r = 0.3), Radial (scratch) and"
                + " Radial (distilled) on the Brown corpus, 2 seeds each, and write the comparison table.")
final class CompareCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "small models, 300 steps (D = 64, T = 64, B = 16, controller speed 0.01): about 15 minutes on 2 cores")
    boolean quick;

    @Option(names = "--seeds", split = ",", paramLabel = "S1,S2", description = "seeds (default 1,2)")
    List<Long> seeds = List.of(1L, 2L);

    @Option(names = "--out", paramLabel = "DIR", description = "folder of the runs and the table (default runs/compare)")
    Path out = Path.of("runs/compare");

    @Option(names = "--only", split = ",", paramLabel = "PRESET", description = "run only these entries"
            + " (radial-distil needs the dense runs)")
    List<String> only = List.of();

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "override for every run, after --quick"
            + " (e.g. train.steps=10, train.backend=simd)")
    List<String> overrides = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<String> common = new ArrayList<>(quick ? Comparison.quick() : List.of());
        common.addAll(overrides);
        Comparison.Plan plan = new Comparison.Plan(out, seeds, common, only);
        TrainOptions options = TrainOptions.of(spec.commandLine().getOut(), spec.commandLine().getErr())
                .withProgress(ProgressBar.Mode.LINES);
        var rows = Comparison.run(plan, options);
        Comparison.print(spec.commandLine().getOut(), rows, plan);
        return 0;
    }
}
