package org.jdna.dna.train;

import java.util.Arrays;
import java.util.function.IntConsumer;

import org.jdna.dna.config.Task;
import org.jdna.dna.model.DnaModel;
import org.jdna.engine.autograd.GradMode;
import org.jdna.engine.memory.MemoryScope;
import org.jdna.engine.tensor.Rng;

/**
 * Generates bytes from a language model, one at a time: the last (up to T) bytes of the text so far
 * go through the model and the next byte is drawn from the last position's logits with temperature
 * and top-k. The same seed gives the same text.
 */
public final class Sampler {
    /** A prompt of no bytes starts from a newline, as a document of the corpus would. */
    static final byte START = '\n';

    /**
     * @param tokens      bytes to generate
     * @param temperature softmax temperature; 0 picks the most likely byte every time
     * @param topK        draw only among the k most likely bytes; 0 = all
     * @param seed        seed of the draws
     */
    public record Settings(int tokens, double temperature, int topK, long seed) {
        public Settings {
            if (tokens < 0) {
                throw new IllegalArgumentException("sample: --tokens must be >= 0, got " + tokens);
            }
            if (!(temperature >= 0) || Double.isInfinite(temperature)) {
                throw new IllegalArgumentException("sample: --temperature must be finite and >= 0, got " + temperature);
            }
            if (topK < 0) {
                throw new IllegalArgumentException("sample: --top-k must be >= 0 (0 = all bytes), got " + topK);
            }
        }
    }

    private Sampler() {}

    /**
     * Draws {@code s.tokens()} bytes after the prompt and hands each to {@code onByte} as it is drawn. Only
     * the model's window (the last T bytes) is kept, so any count streams in constant memory; each byte's
     * tensors go back to the pool in a memory scope.
     */
    public static void generate(DnaModel model, byte[] prompt, Settings s, IntConsumer onByte) {
        generate(model, prompt, s, 1, (stream, b) -> onByte.accept(b));
    }

    /** What a stream drew: {@code stream} in [0, streams), the byte. */
    @FunctionalInterface
    public interface StreamConsumer {
        void accept(int stream, int b);
    }

    /**
     * {@code streams} independent continuations of the same prompt, drawn side by side (one batch of
     * {@code streams} windows per byte, so many streams cost little more than one). Stream 0 draws
     * exactly what {@link #generate(DnaModel, byte[], Settings, IntConsumer)} draws with the same settings;
     * stream i > 0 has its own generator, forked from the seed. Bytes reach {@code onByte} stream by
     * stream within each position.
     */
    @SuppressWarnings("try") // the scopes are only closed
    public static void generate(DnaModel model, byte[] prompt, Settings s, int streams, StreamConsumer onByte) {
        if (model.config().task() != Task.LANGUAGE) {
            throw new IllegalArgumentException("sample: this checkpoint is a " + model.config().task().jsonName()
                    + " model; only language models generate text");
        }
        if (streams < 1) {
            throw new IllegalArgumentException("sample: streams must be >= 1, got " + streams);
        }
        int context = model.config().context();
        int vocab = model.config().vocabSize();
        byte[] start = prompt.length == 0 ? new byte[]{START} : prompt;
        int[][] window = new int[streams][context]; // per stream the last `used` bytes so far, oldest first
        int used = Math.min(context, start.length);
        Rng[] rng = new Rng[streams];
        for (int i = 0; i < streams; i++) {
            for (int j = 0; j < used; j++) {
                window[i][j] = start[start.length - used + j] & 0xFF;
            }
            rng[i] = new Rng(s.seed()).fork(i == 0 ? "sample" : "sample-" + i);
        }
        boolean wasTraining = model.isTraining();
        model.eval();
        try (var noGrad = GradMode.disabled()) {
            int[] batch = new int[streams * context];
            for (int n = 0; n < s.tokens(); n++) {
                for (int i = 0; i < streams; i++) {
                    System.arraycopy(window[i], 0, batch, i * used, used);
                }
                float[] logits;                                        // (streams * used, V)
                try (MemoryScope scope = MemoryScope.open()) {        // each byte's tensors back to the pool
                    logits = model.forwardTokens(Arrays.copyOf(batch, streams * used), streams).logits().toArray();
                }
                boolean full = used == context;
                for (int i = 0; i < streams; i++) {
                    int next = draw(logits, (i * used + used - 1) * vocab, vocab, s, rng[i]);
                    if (full) {
                        System.arraycopy(window[i], 1, window[i], 0, context - 1);
                        window[i][context - 1] = next;
                    } else {
                        window[i][used] = next;
                    }
                    onByte.accept(i, next);
                }
                if (!full) {
                    used++;
                }
            }
        } finally {
            model.train(wasTraining);
        }
    }

    /** Draws from logits[offset .. offset+vocab) at the given temperature among the top k. */
    static int draw(float[] logits, int offset, int vocab, Settings s, Rng rng) {
        int best = 0;
        for (int c = 1; c < vocab; c++) {
            if (logits[offset + c] > logits[offset + best]) {
                best = c;
            }
        }
        if (s.temperature() == 0) {
            return best;
        }
        double cutoff = Double.NEGATIVE_INFINITY;
        if (s.topK() > 0 && s.topK() < vocab) {
            float[] sorted = Arrays.copyOfRange(logits, offset, offset + vocab);
            Arrays.sort(sorted);
            cutoff = sorted[vocab - s.topK()];
        }
        double[] p = new double[vocab];
        double sum = 0;
        for (int c = 0; c < vocab; c++) {
            double l = logits[offset + c];
            p[c] = l < cutoff ? 0 : Math.exp((l - logits[offset + best]) / s.temperature());
            sum += p[c];
        }
        double u = rng.nextDouble() * sum;
        for (int c = 0; c < vocab; c++) {
            u -= p[c];
            if (u < 0 && p[c] > 0) {
                return c;
            }
        }
        return best;
    }
}
