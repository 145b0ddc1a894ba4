package org.jdna.dna.analysis;

import org.jdna.dna.config.RunConfig;
import org.jdna.dna.config.Task;
import org.jdna.dna.data.ImageDataset;
import org.jdna.dna.data.TextCorpus;
import org.jdna.dna.train.Datasets;

/**
 * The evaluation set of a run's analysis, from the run's own data configuration: held-out text (the val split:
 * documents never trained on) for language, the test images for vision.
 */
public final class EvaluationSets {
    private EvaluationSets() {}

    /**
     * @param tokens   language: at most this many tokens (windows of T bytes)
     * @param images   vision: at most this many images
     * @param announce receives notes such as the synthetic-fallback announcement
     */
    public static EvaluationInputs of(RunConfig config, int tokens, int images, Datasets datasets) {
        if (config.model().task() == Task.VISION) {
            ImageDataset data = datasets.images(config.data());
            return new ImageInputs(data.test(), data.classNames(), config.model().vision(), images);
        }
        TextCorpus corpus = datasets.text(config.data());
        return new TextInputs(corpus.val(), corpus.tags(), config.model().context(), tokens);
    }
}
