package org.jdna.dna.train;

import java.io.PrintWriter;

/**
 * How to run a training job, beyond its configuration.
 *
 * @param resume    continue from the newest checkpoint in the run folder (the run's own config.json is used)
 * @param overwrite start fresh even where an earlier run left files (they are removed)
 * @param out       results: the header and the final summary
 * @param err       progress, evaluations, notices
 * @param progress  redraw a bar in place (terminal) or print plain lines (CI, files)
 * @param datasets  where data sets come from (shared between runs of one process)
 * @param hooks     test hooks
 * @param extensions what a kind of run adds to plain training (distillation, say): the caller's choice,
 *                  so that the library never reaches up into the code that builds on it
 * @param workers   the data-parallel workers this process is one of ({@link WorkerGroup#SINGLE}: none)
 */
public record TrainOptions(boolean resume, boolean overwrite, PrintWriter out, PrintWriter err,
                           ProgressBar.Mode progress, Datasets datasets, TrainHooks hooks,
                           TrainExtension.Factory extensions, WorkerGroup workers) {

    /** Fresh run, no overwrite, plain progress lines, data announcements on {@code err}. */
    public static TrainOptions of(PrintWriter out, PrintWriter err) {
        return new TrainOptions(false, false, out, err, ProgressBar.Mode.LINES, new Datasets(line -> {
            err.println("note: " + line);
            err.flush();
        }), TrainHooks.NONE, TrainExtension.Factory.PLAIN, WorkerGroup.SINGLE);
    }

    public TrainOptions withResume(boolean on) {
        return new TrainOptions(on, overwrite, out, err, progress, datasets, hooks, extensions, workers);
    }

    public TrainOptions withOverwrite(boolean on) {
        return new TrainOptions(resume, on, out, err, progress, datasets, hooks, extensions, workers);
    }

    public TrainOptions withProgress(ProgressBar.Mode mode) {
        return new TrainOptions(resume, overwrite, out, err, mode, datasets, hooks, extensions, workers);
    }

    public TrainOptions withHooks(TrainHooks h) {
        return new TrainOptions(resume, overwrite, out, err, progress, datasets, h, extensions, workers);
    }

    public TrainOptions withExtensions(TrainExtension.Factory f) {
        return new TrainOptions(resume, overwrite, out, err, progress, datasets, hooks, f, workers);
    }

    public TrainOptions withWorkers(WorkerGroup w) {
        return new TrainOptions(resume, overwrite, out, err, progress, datasets, hooks, extensions, w);
    }
}
