package org.jdna.dna.data;

import org.jdna.engine.tensor.Rng;

/**
 * Random batches of images from one split, drawn with replacement from a seeded {@link Rng} whose
 * state is saved in checkpoints (bit-identical resume). {@link #range} gives fixed batches for evaluation.
 */
public final class ImageBatcher {
    private final ImageSplit split;
    private final int batch;
    private Rng rng;

    /**
     * @param pixels  (B, height * width) grey levels scaled to [0, 1]
     * @param labels  (B) classes
     * @param indices (B) image index in the split
     */
    public record Batch(int batch, int height, int width, float[] pixels, int[] labels, int[] indices) {}

    public ImageBatcher(ImageSplit split, int batch, Rng rng) {
        if (batch < 1) {
            throw new IllegalArgumentException("ImageBatcher: batch " + batch + " must be >= 1");
        }
        this.split = split;
        this.batch = batch;
        this.rng = rng;
    }

    public Batch next() {
        int[] idx = new int[batch];
        for (int b = 0; b < batch; b++) {
            idx[b] = rng.nextInt(split.count());
        }
        return gather(split, idx);
    }

    /** Images [from, to) in order (for evaluation over a whole split). */
    public static Batch range(ImageSplit split, int from, int to) {
        int[] idx = new int[to - from];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = from + i;
        }
        return gather(split, idx);
    }

    static Batch gather(ImageSplit split, int[] idx) {
        int px = split.height() * split.width();
        float[] pixels = new float[idx.length * px];
        int[] labels = new int[idx.length];
        for (int b = 0; b < idx.length; b++) {
            int base = idx[b] * px;
            for (int i = 0; i < px; i++) {
                pixels[b * px + i] = (split.pixels()[base + i] & 0xFF) / 255f;
            }
            labels[b] = split.label(idx[b]);
        }
        return new Batch(idx.length, split.height(), split.width(), pixels, labels, idx);
    }

    public long[] state() { return rng.state(); }

    public void restore(long[] state) { this.rng = Rng.restore(state); }
}
