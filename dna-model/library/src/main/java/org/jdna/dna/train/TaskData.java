package org.jdna.dna.train;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.jdna.dna.config.RunConfig;
import org.jdna.dna.config.Task;
import org.jdna.dna.data.ImageBatcher;
import org.jdna.dna.data.ImageDataset;
import org.jdna.dna.data.ImageSplit;
import org.jdna.dna.data.TextCorpus;
import org.jdna.dna.data.TokenBatcher;
import org.jdna.engine.tensor.Rng;

/**
 * The batches of one run: random training batches from a seeded generator (its state goes into
 * checkpoints, so a resumed run draws the same batches); a fixed sample of held-out batches that every
 * evaluation during training reuses (train.evalBatches of them: fast, for progress lines and curves);
 * and the whole held-out split, which the end of the run and {@code jdna eval} score (the figure to
 * publish): for language every validation byte once ({@link TokenBatcher#covering}), for vision the
 * whole test set. None of the held-out batches depends on the training seed: runs with different seeds
 * (and a DNA run and its dense baseline) are scored on the same text or images.
 */
public final class TaskData {
    /** Seed of the held-out windows, the same for every run. */
    static final long EVAL_SEED = 0;

    private final String description;
    private final Train train;
    private final List<TrainBatch> evalBatches;
    private final Supplier<HeldOut> heldOut;
    private HeldOut heldOutBatches;

    /**
     * The whole held-out split in batches.
     *
     * @param split       "val" (language) or "test" (vision)
     * @param description what is scored, for logs ("the whole validation split: 623,375 bytes in 4,871 windows
     *                    of 128")
     * @param batches     the batches
     */
    public record HeldOut(String split, String description, List<TrainBatch> batches) {}

    /** The training side: the next random batch and its generator state. */
    private interface Train {
        TrainBatch next();

        long[] state();

        void restore(long[] state);
    }

    private TaskData(String description, Train train, List<TrainBatch> evalBatches, Supplier<HeldOut> heldOut) {
        this.description = description;
        this.train = train;
        this.evalBatches = List.copyOf(evalBatches);
        this.heldOut = heldOut;
    }

    /** Batches of {@code config} from the data set {@code datasets} provides (loaded once per process). */
    public static TaskData open(RunConfig config, Datasets datasets) {
        return config.model().task() == Task.VISION ? images(config, datasets.images(config.data()))
                : text(config, datasets.text(config.data()));
    }

    static TaskData text(RunConfig config, TextCorpus corpus) {
        int b = config.train().batchSize();
        int t = config.model().context();
        TokenBatcher trainBatcher = new TokenBatcher(corpus.train(), b, t, new Rng(config.train().seed()).fork("data"));
        TokenBatcher evalBatcher = TokenBatcher.forEvaluation(corpus.val(), b, t, EVAL_SEED);
        List<TrainBatch> eval = new ArrayList<>();
        for (int i = 0; i < config.train().evalBatches(); i++) {
            eval.add(new TrainBatch.Text(evalBatcher.next()));
        }
        String description = String.format("%s (%s): %,d training bytes, %,d held-out bytes (%d documents)",
                corpus.name(), corpus.source(), corpus.train().length(), corpus.val().length(), corpus.val().docIds().size());
        return new TaskData(description, new Train() {
            @Override
            public TrainBatch next() { return new TrainBatch.Text(trainBatcher.next()); }

            @Override
            public long[] state() { return trainBatcher.state(); }

            @Override
            public void restore(long[] state) { trainBatcher.restore(state); }
        }, eval, () -> wholeText(corpus, b, t));
    }

    /** Every validation byte but the first scored once, in windows of T (see {@link TokenBatcher#covering}). */
    static HeldOut wholeText(TextCorpus corpus, int batch, int context) {
        List<TrainBatch> batches = new ArrayList<>();
        int windows = 0;
        long scored = 0;
        for (TokenBatcher.Batch w : TokenBatcher.covering(corpus.val(), batch, context)) {
            batches.add(new TrainBatch.Text(w));
            windows += w.batch();
            scored += Objective.scored(w.targets());
        }
        return new HeldOut("val", String.format("the whole validation split: %,d bytes scored once each in %,d"
                + " windows of %d", scored, windows, context), batches);
    }

    static TaskData images(RunConfig config, ImageDataset data) {
        int b = config.train().batchSize();
        int patches = config.model().vision().sequenceLength();
        ImageBatcher trainBatcher = new ImageBatcher(data.train(), b, new Rng(config.train().seed()).fork("data"));
        List<TrainBatch> eval = new ArrayList<>();
        int count = data.val().count();
        for (int i = 0; i < config.train().evalBatches() && i * b < count; i++) {
            eval.add(new TrainBatch.Images(ImageBatcher.range(data.val(), i * b, Math.min(count, (i + 1) * b)), patches));
        }
        String description = String.format("%s (%s): %,d training images, %,d held out", data.name(), data.source(),
                data.train().count(), count);
        return new TaskData(description, new Train() {
            @Override
            public TrainBatch next() { return new TrainBatch.Images(trainBatcher.next(), patches); }

            @Override
            public long[] state() { return trainBatcher.state(); }

            @Override
            public void restore(long[] state) { trainBatcher.restore(state); }
        }, eval, () -> wholeImages(data.test(), b, patches));
    }

    /** Every image of {@code split} once, in order, in batches of {@code batch}. */
    static HeldOut wholeImages(ImageSplit split, int batch, int patches) {
        int count = split.count();
        List<TrainBatch> batches = new ArrayList<>();
        for (int from = 0; from < count; from += batch) {
            batches.add(new TrainBatch.Images(ImageBatcher.range(split, from, Math.min(count, from + batch)), patches));
        }
        String name = split.name().equals("test") ? "test" : "validation";
        return new HeldOut(split.name(), String.format("the whole %s split: %,d images", name, count), batches);
    }

    /**
     * The whole of one held-out split: "val" (language: every validation byte once; vision: the held-out
     * training images) or "test" (vision only: the 10,000 Fashion-MNIST test images, never seen in training
     * or model selection; the language data has train and validation documents only).
     *
     * @throws IllegalArgumentException for another split, or "test" in a language run
     */
    public static HeldOut wholeSplit(RunConfig config, Datasets datasets, String split) {
        int b = config.train().batchSize();
        boolean vision = config.model().task() == Task.VISION;
        return switch (split) {
            case "val" -> vision ? wholeImages(datasets.images(config.data()).val(), b,
                    config.model().vision().sequenceLength())
                    : wholeText(datasets.text(config.data()), b, config.model().context());
            case "test" -> {
                if (!vision) {
                    throw new IllegalArgumentException("the test split exists for vision runs only; the Brown corpus is"
                            + " split into train and validation documents (use the validation split)");
                }
                yield wholeImages(datasets.images(config.data()).test(), b, config.model().vision().sequenceLength());
            }
            default -> throw new IllegalArgumentException("no split '" + split + "' (val or test)");
        };
    }

    public TrainBatch nextTrain() { return train.next(); }

    /**
     * The fast held-out sample (the same train.evalBatches batches at every evaluation during training): random,
     * possibly overlapping windows of the validation split, or its first images. Good for comparing steps and
     * runs; {@link #heldOutBatches()} is the figure to publish.
     */
    public List<TrainBatch> evalBatches() { return evalBatches; }

    /**
     * The whole held-out split the end of a run is scored on (language: every validation byte once; vision:
     * the whole test set), built on first use.
     */
    public synchronized HeldOut heldOutBatches() {
        if (heldOutBatches == null) {
            heldOutBatches = heldOut.get();
        }
        return heldOutBatches;
    }

    /** The training generator's state, for a checkpoint. */
    public long[] state() { return train.state(); }

    public void restore(long[] state) { train.restore(state); }

    /** One line for the log: which data set, from where, how big. */
    public String description() { return description; }
}
