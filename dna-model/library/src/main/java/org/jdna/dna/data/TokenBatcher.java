package org.jdna.dna.data;

import org.jdna.engine.tensor.Rng;

/**
 * Random windows of T + 1 consecutive bytes from one split: inputs are bytes [s, s+T), targets
 * [s+1, s+T+1). The window starts come from a seeded {@link Rng} whose state is saved in checkpoints,
 * so a resumed run draws exactly the batches the uninterrupted one would have drawn.
 */
public final class TokenBatcher {
    private final TextSplit split;
    private final int batch;
    private final int context;
    private Rng rng;

    /**
     * A batch of B sequences.
     *
     * @param inputs  (B, T) byte values 0..255, row-major
     * @param targets (B, T) the next byte of each input position
     * @param starts  (B) offset of each window in the split (to look up tags and documents)
     */
    public record Batch(int batch, int context, int[] inputs, int[] targets, int[] starts) {}

    public TokenBatcher(TextSplit split, int batch, int context, Rng rng) {
        if (batch < 1 || context < 1) {
            throw new IllegalArgumentException("TokenBatcher: batch " + batch + " and context " + context
                    + " must be >= 1");
        }
        if (split.length() < context + 1) {
            throw new IllegalArgumentException("TokenBatcher: split '" + split.name() + "' has " + split.length()
                    + " bytes, fewer than context + 1 = " + (context + 1));
        }
        this.split = split;
        this.batch = batch;
        this.context = context;
        this.rng = rng;
    }

    /** The same windows every time for a given seed: use one per evaluation so every eval sees the same data. */
    public static TokenBatcher forEvaluation(TextSplit split, int batch, int context, long seed) {
        return new TokenBatcher(split, batch, context, new Rng(seed).fork("eval"));
    }

    public Batch next() {
        int[] inputs = new int[batch * context];
        int[] targets = new int[batch * context];
        int[] starts = new int[batch];
        byte[] bytes = split.bytes();
        int positions = split.length() - context; // valid starts: 0 .. length - T - 1
        for (int b = 0; b < batch; b++) {
            int s = rng.nextInt(positions);
            starts[b] = s;
            for (int t = 0; t < context; t++) {
                inputs[b * context + t] = bytes[s + t] & 0xFF;
                targets[b * context + t] = bytes[s + t + 1] & 0xFF;
            }
        }
        return new Batch(batch, context, inputs, targets, starts);
    }

    /** The generator state, for a checkpoint. */
    public long[] state() { return rng.state(); }

    /** Continues from a state saved with {@link #state()}. */
    public void restore(long[] state) { this.rng = Rng.restore(state); }

    public TextSplit split() { return split; }
}
