package org.jdna.dna.train;

import java.nio.file.Path;

import org.jdna.dna.config.RunConfig;

/**
 * The README's main job: train a DNA run, then its {@link DenseBaseline} on the same data, seed and
 * token budget, then print both side by side.
 *
 * @param dna   the DNA run's summary
 * @param dense the baseline's summary
 */
public record DenseComparison(RunSummary dna, RunSummary dense) {

    public static DenseComparison run(RunConfig dnaConfig, Path denseOut, TrainOptions options) {
        RunConfig denseConfig = DenseBaseline.of(dnaConfig, denseOut);
        RunSummary dna = Trainer.run(dnaConfig, options);
        options.out().println();
        options.out().println("dense baseline: the same budget on a plain transformer of "
                + (denseConfig.model().backboneBlocks() + denseConfig.model().routedSteps()) + " blocks");
        // A resumed comparison may have stopped before the baseline began: then the baseline starts fresh.
        boolean resumeDense = options.resume() && new RunDirectory(denseOut).checkpoints().latest().isPresent();
        RunSummary dense = Trainer.run(denseConfig, options.withResume(resumeDense)
                .withOverwrite(options.overwrite() || options.resume()));
        SummaryReport.compare(options.out(), dna, dense);
        return new DenseComparison(dna, dense);
    }
}
