package org.jdna.dna.cli;

import java.io.PrintWriter;
import java.nio.file.Path;

import org.jdna.dna.train.Datasets;
import org.jdna.dna.train.TaskData;
import org.jdna.dna.train.TrainedModel;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The start of every command that reads a checkpoint (a picocli mixin shared by eval, sample, analyze
 * and profile): the CHECKPOINT argument, which backend and how many threads run it, and the
 * command's output streams.
 */
final class LoadOptions {
    @Parameters(paramLabel = "CHECKPOINT", description = "checkpoint folder, or run folder (its newest checkpoint)")
    Path checkpoint;

    @Option(names = {"--backend", "--device"}, paramLabel = "NAME",
            description = "auto, reference, simd or cuda (default: auto); a checkpoint loads on any of them")
    String backend = "auto";

    @Option(names = "--threads", paramLabel = "N", description = "CPU threads, 0 = all cores")
    int threads;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /**
     * A loaded checkpoint with where the command writes.
     *
     * @param run      the checkpoint's model, configuration and state, on the chosen backend
     * @param out      results
     * @param err      progress and notes
     * @param datasets data sets that announce downloads and fallbacks on {@code err} as "note: ..." lines
     */
    record Loaded(TrainedModel run, PrintWriter out, PrintWriter err, Datasets datasets) {
        /** The run's data: its fixed evaluation batches and, for vision, its test set. */
        TaskData data() {
            return TaskData.open(run.config(), datasets);
        }
    }

    /** The checkpoint (or a run folder's newest) with its config, on the chosen backend. */
    Loaded load() {
        PrintWriter err = spec.commandLine().getErr();
        TrainedModel run = TrainedModel.load(checkpoint, backend, threads);
        return new Loaded(run, spec.commandLine().getOut(), err, new Datasets(line -> {
            err.println("note: " + line);
            err.flush();
        }));
    }
}
