package org.jdna.dna.cli;

import java.io.PrintWriter;
import java.nio.file.Path;

import org.jdna.dna.train.Datasets;
import org.jdna.dna.train.TrainedModel;

import picocli.CommandLine.Option;

/**
 * How a command that reads a checkpoint runs it (a picocli mixin shared by eval, sample, analyze
 * and profile): which backend, how many threads, and where data-set notes go.
 */
final class LoadOptions {
    @Option(names = {"--backend", "--device"}, paramLabel = "NAME",
            description = "auto, reference, simd or cuda (default: auto); a checkpoint loads on any of them")
    String backend = "auto";

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads, 0 = all cores")
    int threads;

    /** The checkpoint (or a run folder's newest) with its config, on the chosen backend. */
    TrainedModel load(Path checkpoint) {
        return TrainedModel.load(checkpoint, backend, threads);
    }

    /** Data sets that announce downloads and fallbacks on {@code err} as "note: ..." lines. */
    static Datasets datasetsNotingTo(PrintWriter err) {
        return new Datasets(line -> {
            err.println("note: " + line);
            err.flush();
        });
    }
}
