package org.jdna.dna.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.jdna.dna.radial.ResidualProfile;
import org.jdna.dna.radial.ResidualProfileWriter;
import org.jdna.dna.radial.ResidualProfiler;
import org.jdna.dna.train.TrainBatch;
import org.jdna.dna.train.TrainedModel;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jdna profile CHECKPOINT}: the residual ratio of every block for every token of the evaluation set. */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = "Residual ratio |f(x)| / |x + f(x)| of every block visit of every token of the run's evaluation"
                + " batches: per-layer median and histogram as JSON, PNG/SVG charts and an HTML page.")
final class ProfileCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: CHECKPOINT_RUN/profile)")
    Path out;

    @Option(names = "--batches", paramLabel = "N", description = "evaluation batches to profile (default: all of them)")
    int batches;

    @Mixin
    LoadOptions run;

    @Override
    public Integer call() {
        LoadOptions.Loaded loaded = run.load();
        TrainedModel m = loaded.run();
        PrintWriter o = loaded.out();
        List<TrainBatch> eval = loaded.data().evalBatches();
        if (batches > 0 && batches < eval.size()) {
            eval = eval.subList(0, batches);
        }
        ResidualProfile profile = new ResidualProfiler(m.model()).profile(eval);
        long tokens = eval.stream().mapToLong(TrainBatch::tokens).sum();
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("checkpoint", m.checkpoint().toString());
        about.put("step", m.state().step());
        about.put("tokens", tokens);
        Path dir = out != null ? out : defaultFolder(m.checkpoint());
        List<Path> files = ResidualProfileWriter.write(profile, about, dir);
        o.printf(Locale.ROOT, "residual ratio |f(x)| / |x + f(x)| of %s over %d tokens: overall median %.4f%n",
                m.checkpoint(), tokens, profile.overallMedian());
        profile.byLayer().forEach((name, v) -> {
            ResidualProfile.Summary s = ResidualProfile.summarise(v);
            o.printf(Locale.ROOT, "  %-12s median %.4f  (p10 %.4f, p90 %.4f, %d visits)%n", name, s.median(), s.p10(),
                    s.p90(), s.count());
        });
        o.println("wrote " + files.size() + " files to " + dir + " (open " + ResidualProfileWriter.HTML + ")");
        o.flush();
        return 0;
    }

    // runs/x/checkpoints/step-N -> runs/x/profile
    private static Path defaultFolder(Path checkpointDir) {
        Path parent = checkpointDir.toAbsolutePath().normalize().getParent();
        Path run = parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("checkpoints")
                ? parent.getParent() : checkpointDir;
        return run.resolve("profile");
    }
}
