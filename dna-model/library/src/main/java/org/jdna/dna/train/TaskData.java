package org.jdna.dna.train;

import java.util.ArrayList;
import java.util.List;

import org.jdna.dna.config.RunConfig;
import org.jdna.dna.config.Task;
import org.jdna.dna.data.ImageBatcher;
import org.jdna.dna.data.ImageDataset;
import org.jdna.dna.data.TextCorpus;
import org.jdna.dna.data.TokenBatcher;
import org.jdna.engine.tensor.Rng;

/**
 * The batches of one run: random training batches from a seeded generator (its state goes into
 * checkpoints, so a resumed run draws the same batches) and a fixed list of held-out batches that
 * every evaluation reuses, so evaluations at different steps and {@code jdna eval} are comparable.
 * The held-out windows do not depend on the training seed: runs with different seeds (and a DNA run
 * and its dense baseline) are scored on the same text.
 */
public final class TaskData {
    /** Seed of the held-out windows, the same for every run. */
    static final long EVAL_SEED = 0;

    private final String description;
    private final Train train;
    private final List<TrainBatch> evalBatches;

    /** The training side: the next random batch and its generator state. */
    private interface Train {
        TrainBatch next();

        long[] state();

        void restore(long[] state);
    }

    private TaskData(String description, Train train, List<TrainBatch> evalBatches) {
        this.description = description;
        this.train = train;
        this.evalBatches = List.copyOf(evalBatches);
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
        }, eval);
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
        }, eval);
    }

    /**
     * The whole test set in batches of the run's batch size (vision: the 10,000 Fashion-MNIST test images,
     * never seen in training or model selection). The language data has train and validation documents only.
     *
     * @throws IllegalArgumentException for a language run
     */
    public static List<TrainBatch> testBatches(RunConfig config, Datasets datasets) {
        if (config.model().task() != Task.VISION) {
            throw new IllegalArgumentException("the test split exists for vision runs only; the Brown corpus is split"
                    + " into train and validation documents (use the validation split)");
        }
        ImageDataset data = datasets.images(config.data());
        int b = config.train().batchSize();
        int patches = config.model().vision().sequenceLength();
        int count = data.test().count();
        List<TrainBatch> test = new ArrayList<>();
        for (int from = 0; from < count; from += b) {
            test.add(new TrainBatch.Images(ImageBatcher.range(data.test(), from, Math.min(count, from + b)), patches));
        }
        return test;
    }

    public TrainBatch nextTrain() { return train.next(); }

    /** The fixed held-out batches (the same list at every evaluation). */
    public List<TrainBatch> evalBatches() { return evalBatches; }

    /** The training generator's state, for a checkpoint. */
    public long[] state() { return train.state(); }

    public void restore(long[] state) { train.restore(state); }

    /** One line for the log: which data set, from where, how big. */
    public String description() { return description; }
}
