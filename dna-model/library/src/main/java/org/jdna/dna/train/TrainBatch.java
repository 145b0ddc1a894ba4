package org.jdna.dna.train;

import java.util.Arrays;

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

    /** Rows [index * B/count, (index + 1) * B/count) as a batch of their own; count divides B. */
    TrainBatch shard(int index, int count);

    // The row range of shard index of count, checked.
    private static int[] rows(int size, int index, int count) {
        if (count < 1 || size % count != 0 || index < 0 || index >= count) {
            throw new IllegalArgumentException("TrainBatch.shard: shard " + index + " of " + count
                    + " does not split a batch of " + size + " rows into equal shards");
        }
        int rows = size / count;
        return new int[] {index * rows, (index + 1) * rows};
    }

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

        @Override
        public TrainBatch shard(int index, int count) {
            int[] r = rows(batch.batch(), index, count);
            int t = batch.context();
            return new Text(new TokenBatcher.Batch(r[1] - r[0], t,
                    Arrays.copyOfRange(batch.inputs(), r[0] * t, r[1] * t),
                    Arrays.copyOfRange(batch.targets(), r[0] * t, r[1] * t),
                    Arrays.copyOfRange(batch.starts(), r[0], r[1])));
        }
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

        @Override
        public TrainBatch shard(int index, int count) {
            int[] r = rows(batch.batch(), index, count);
            int pixels = batch.pixels().length / batch.batch();
            return new Images(new ImageBatcher.Batch(r[1] - r[0], batch.height(), batch.width(),
                    Arrays.copyOfRange(batch.pixels(), r[0] * pixels, r[1] * pixels),
                    Arrays.copyOfRange(batch.labels(), r[0], r[1]),
                    Arrays.copyOfRange(batch.indices(), r[0], r[1])), patches);
        }
    }
}
