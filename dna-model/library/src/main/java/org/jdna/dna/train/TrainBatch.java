package org.jdna.dna.train;

import org.jdna.dna.data.ImageBatcher;
import org.jdna.dna.data.TokenBatcher;
import org.jdna.dna.model.DnaModel;
import org.jdna.dna.model.ModelOutput;

/**
 * One batch of either task, with what the loss needs: the model's forward pass and the class index
 * each logits row must predict. Language: logits (B*T, 256) against the next bytes; vision: logits
 * (B, classes) against the labels. Both are plain cross-entropy, so the step and the evaluator do
 * not care which task they run.
 */
public sealed interface TrainBatch {

    ModelOutput forward(DnaModel model);

    /** The class of each logits row: (B*T) next bytes, or (B) labels. */
    int[] targets();

    /** Tokens the model processed: B*T for text, B*patches for images (FLOPs and throughput are per token). */
    int tokens();

    /** Sequences or images in the batch, B. */
    int size();

    /** B sequences of T bytes. */
    record Text(TokenBatcher.Batch batch) implements TrainBatch {
        @Override
        public ModelOutput forward(DnaModel model) { return model.forwardTokens(batch.inputs(), batch.batch()); }

        @Override
        public int[] targets() { return batch.targets(); }

        @Override
        public int tokens() { return batch.batch() * batch.context(); }

        @Override
        public int size() { return batch.batch(); }
    }

    /** B images cut into {@code patches} tokens each. */
    record Images(ImageBatcher.Batch batch, int patches) implements TrainBatch {
        @Override
        public ModelOutput forward(DnaModel model) { return model.forwardImages(batch.pixels(), batch.batch()); }

        @Override
        public int[] targets() { return batch.labels(); }

        @Override
        public int tokens() { return batch.batch() * patches; }

        @Override
        public int size() { return batch.batch(); }
    }
}
