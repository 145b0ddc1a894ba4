package org.jdna.dna.data;

import java.util.ArrayList;
import java.util.List;

import org.jdna.engine.tensor.Rng;

/**
 * Random windows of T + 1 consecutive bytes from one split: inputs are bytes [s, s+T), targets
 * [s+1, s+T+1). The window starts come from a seeded {@link Rng} whose state is saved in checkpoints,
 * so a resumed run draws exactly the batches the uninterrupted one would have drawn. {@link #covering}
 * gives the fixed windows that score a whole split instead.
 */
public final class TokenBatcher {
    /** A target that is not scored: only the last window of {@link #covering} has such targets. */
    public static final int UNSCORED = -1;

    private final TextSplit split;
    private final int batch;
    private final int context;
    private Rng rng;

    /**
     * A batch of B sequences.
     *
     * @param inputs  (B, T) byte values 0..255, row-major
     * @param targets (B, T) the next byte of each input position, or {@link #UNSCORED}
     * @param starts  (B) offset of each window in the split (to look up tags and documents)
     */
    public record Batch(int batch, int context, int[] inputs, int[] targets, int[] starts) {}

    public TokenBatcher(TextSplit split, int batch, int context, Rng rng) {
        check(split, batch, context);
        this.split = split;
        this.batch = batch;
        this.context = context;
        this.rng = rng;
    }

    /** The same windows every time for a given seed: use one per evaluation so every eval sees the same data. */
    public static TokenBatcher forEvaluation(TextSplit split, int batch, int context, long seed) {
        return new TokenBatcher(split, batch, context, new Rng(seed).fork("eval"));
    }

    /**
     * Windows that score every byte of {@code split} but the first exactly once, in order, in batches of
     * {@code batch} windows (the last batch may hold fewer): inputs [s, s+T), targets [s+1, s+T+1) for
     * s = 0, T, 2T, ... Consecutive windows share one byte (the last target of one is the first input of the
     * next), so each byte is predicted from the 1 to T bytes before it since its window began, as in training.
     * When T does not divide length - 1, one more window ends at the split's last byte and scores only the
     * bytes the others did not (its other targets are {@link #UNSCORED}); they get more left context than
     * the rest.
     *
     * @throws IllegalArgumentException when the split has fewer than T + 1 bytes
     */
    public static List<Batch> covering(TextSplit split, int batch, int context) {
        check(split, batch, context);
        int targets = split.length() - 1;
        int full = targets / context;
        int windows = full + (targets % context == 0 ? 0 : 1);
        List<Batch> out = new ArrayList<>();
        byte[] bytes = split.bytes();
        for (int first = 0; first < windows; first += batch) {
            int b = Math.min(batch, windows - first);
            int[] inputs = new int[b * context];
            int[] scored = new int[b * context];
            int[] starts = new int[b];
            for (int w = 0; w < b; w++) {
                int window = first + w;
                int s = window < full ? window * context : targets - context;
                int firstScored = window < full ? s : full * context; // the tail window: bytes after the full ones
                starts[w] = s;
                for (int t = 0; t < context; t++) {
                    inputs[w * context + t] = bytes[s + t] & 0xFF;
                    scored[w * context + t] = s + t >= firstScored ? bytes[s + t + 1] & 0xFF : UNSCORED;
                }
            }
            out.add(new Batch(b, context, inputs, scored, starts));
        }
        return out;
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

    private static void check(TextSplit split, int batch, int context) {
        if (batch < 1 || context < 1) {
            throw new IllegalArgumentException("TokenBatcher: batch " + batch + " and context " + context
                    + " must be >= 1");
        }
        if (split.length() < context + 1) {
            throw new IllegalArgumentException("TokenBatcher: split '" + split.name() + "' has " + split.length()
                    + " bytes, fewer than context + 1 = " + (context + 1));
        }
    }

    /** The generator state, for a checkpoint. */
    public long[] state() { return rng.state(); }

    /** Continues from a state saved with {@link #state()}. */
    public void restore(long[] state) { this.rng = Rng.restore(state); }

    public TextSplit split() { return split; }
}
