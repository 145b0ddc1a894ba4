package org.jdna.dna.analysis;

import java.util.function.Consumer;

import org.jdna.dna.config.RunConfig;
import org.jdna.dna.config.Task;
import org.jdna.dna.data.ImageDataset;
import org.jdna.dna.data.ImageDatasets;
import org.jdna.dna.data.TextCorpus;
import org.jdna.dna.data.TextDatasets;

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
    public static EvaluationInputs of(RunConfig config, int tokens, int images, Consumer<String> announce) {
        if (config.model().task() == Task.VISION) {
            ImageDataset data = ImageDatasets.load(config.data(), announce);
            return new ImageInputs(data.test(), data.classNames(), config.model().vision(), images);
        }
        TextCorpus corpus = TextDatasets.load(config.data(), announce);
        return new TextInputs(corpus.val(), corpus.tags(), config.model().context(), tokens);
    }
}
