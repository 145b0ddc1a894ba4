package org.jdna.dna.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.jdna.dna.sweep.RunOutcome;
import org.jdna.dna.sweep.Sweep;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jdna sweep SPEC.json [--out DIR] [--master URL] [--threads-per-run T]}: see {@link Sweep}. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Train a grid of presets or config files x seeds x overrides, each run a Spark task"
                + " (local[N] by default), and write the table of their summaries (OUT/comparison.md, results.json).")
final class SweepCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SPEC.json", description = "{\"presets\": [...], \"configs\": [...],"
            + " \"seeds\": [...], \"set\": [KEY=VALUE...], \"variants\": [[KEY=VALUE...], ...]}")
    Path spec;

    @Option(names = "--out", paramLabel = "DIR", description = "folder of the runs and the table (default runs/sweep)")
    Path out = Path.of("runs/sweep");

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default local[N], N = cores /"
            + " threads per run), e.g. spark://host:7077")
    String master;

    @Option(names = "--threads-per-run", paramLabel = "T", description = "train.threads of each run (default 1)")
    int threadsPerRun = 1;

    @Spec
    CommandSpec cmd;

    @Override
    public Integer call() {
        var console = cmd.commandLine().getOut();
        List<RunOutcome> outcomes = new Sweep(spec, out, master, threadsPerRun).run(console);
        console.println();
        console.print(Sweep.table(outcomes));
        console.println("wrote " + out.resolve("comparison.md") + " and results.json");
        console.flush();
        return outcomes.stream().allMatch(RunOutcome::ok) ? 0 : 1;
    }
}
