package org.jdna.dna.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.jdna.dna.analysis.AnalysisSettings;
import org.jdna.dna.analysis.Analyzer;
import org.jdna.dna.analysis.EvaluationInputs;
import org.jdna.dna.analysis.EvaluationSets;
import org.jdna.dna.analysis.Provenance;
import org.jdna.dna.analysis.ResidualSummary;
import org.jdna.dna.analysis.TrainingMetrics;
import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.ConfigJson;
import org.jdna.dna.config.RunConfig;
import org.jdna.dna.model.DnaModel;
import org.jdna.dna.radial.ResidualProfiler;
import org.jdna.dna.train.TrainBatch;
import org.jdna.dna.train.TrainedModel;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jdna analyze CHECKPOINT}: paths, specialization, compute allocation and flow of a trained model
 * against the same architecture at random initialisation, as report.html + analysis.json + charts.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Paths, specialization, compute allocation and flow of a trained model against a random-init"
                + " control, as an HTML report (report.html), numbers (analysis.json) and charts (PNG + SVG).")
final class AnalyzeCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "DIR",
            description = "where to write (default: <run>/analysis/<checkpoint name>, or <checkpoint>-analysis)")
    Path out;

    @Option(names = "--tokens", paramLabel = "N", description = "language: held-out tokens to analyse (default: ${DEFAULT-VALUE})")
    int tokens = 16_384;

    @Option(names = "--images", paramLabel = "N", description = "vision: test images to analyse (default: ${DEFAULT-VALUE})")
    int images = 1_000;

    @Option(names = "--permutations", paramLabel = "N",
            description = "shuffles per permutation test (default: ${DEFAULT-VALUE})")
    int permutations = AnalysisSettings.defaults().permutations();

    @Option(names = "--batch", paramLabel = "B", description = "sequences or images per forward pass (default: the run's batch size)")
    Integer batch;

    @Option(names = "--control-seed", paramLabel = "SEED",
            description = "seed of the random-init control (default: the run's seed + 1)")
    Long controlSeed;

    @Mixin
    LoadOptions run;

    @Override
    public Integer call() {
        List<String> bad = new ArrayList<>();
        noteBelowOne(bad, "--tokens", tokens);
        noteBelowOne(bad, "--images", images);
        noteBelowOne(bad, "--permutations", permutations);
        noteBelowOne(bad, "--batch", batch);
        if (!bad.isEmpty()) {
            throw new ConfigException("analyze: " + String.join(", ", bad) + ": must be >= 1");
        }
        LoadOptions.Loaded loaded = run.load();
        TrainedModel m = loaded.run();
        RunConfig config = m.config();
        PrintWriter outWriter = loaded.out();
        PrintWriter err = loaded.err();
        long seed = controlSeed != null ? controlSeed : config.train().seed() + 1;
        if (seed == config.train().seed()) {
            throw new ConfigException("analyze: --control-seed " + seed + " is the run's own seed; the control must"
                    + " start from different weights");
        }
        DnaModel control = new DnaModel(config.model(), seed);
        EvaluationInputs inputs = EvaluationSets.of(config, tokens, images, loaded.datasets());
        Path dir = out != null ? out : defaultOut(m.checkpoint());
        String controlNote = "the same architecture and configuration at random initialisation (seed " + seed
                + ", router init std " + config.model().routerInitStd() + ", identity biases 0)";
        Provenance provenance = new Provenance(m.checkpoint().toString(), m.state().step(), controlNote,
                ConfigJson.toTree(config), m.state().metrics(), trainingMetrics(m.checkpoint(), err));
        err.println("profiling the residual ratio of every block on the run's evaluation batches");
        err.flush();
        List<TrainBatch> eval = loaded.data().evalBatches(); // the same data sets as the analysis: loaded once
        ResidualSummary residual = ResidualSummary.of(new ResidualProfiler(m.model()).profile(eval),
                "the run's " + eval.size() + " evaluation batches", eval.stream().mapToLong(TrainBatch::tokens).sum());
        Analyzer.Result r = Analyzer.run(m.model(), control, inputs,
                AnalysisSettings.defaults().withPermutations(permutations), provenance,
                batch != null ? batch : config.train().batchSize(), residual, dir, line -> {
                    err.println(line);
                    err.flush();
                });
        outWriter.println("report:   " + r.output().html().toAbsolutePath());
        outWriter.println("numbers:  " + r.output().json().toAbsolutePath());
        outWriter.println("charts:   " + r.output().html().resolveSibling("charts").toAbsolutePath() + " ("
                + r.output().charts().size() + " files)");
        outWriter.flush();
        return 0;
    }

    /**
     * The run's metrics.jsonl, for the report's training curves. They are a side dish: a log that cannot be
     * read (a damaged line, say) is a note, and the analysis goes on without them.
     */
    private static TrainingMetrics trainingMetrics(Path checkpoint, PrintWriter err) {
        try {
            return TrainingMetrics.near(checkpoint);
        } catch (RuntimeException e) {
            err.println("note: the report leaves out the training curves: " + e.getMessage());
            err.flush();
            return TrainingMetrics.none();
        }
    }

    /** {@code <run>/analysis/<step-N>} for a checkpoint inside a run's checkpoints folder, else a sibling folder. */
    static Path defaultOut(Path checkpointDir) {
        Path abs = checkpointDir.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        if (parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("checkpoints")
                && parent.getParent() != null) {
            return parent.getParent().resolve("analysis").resolve(abs.getFileName().toString());
        }
        return abs.resolveSibling(abs.getFileName() + "-analysis");
    }

    /** Adds "option value" to {@code bad} when a given value is below 1 (null: the option was not given). */
    private static void noteBelowOne(List<String> bad, String option, Integer value) {
        if (value != null && value < 1) {
            bad.add(option + " " + value);
        }
    }
}
