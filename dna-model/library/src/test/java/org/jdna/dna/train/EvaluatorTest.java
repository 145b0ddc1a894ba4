package org.jdna.dna.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.jdna.dna.data.TaggedDocument;
import org.jdna.dna.data.TextSplit;
import org.jdna.dna.data.TokenBatcher;
import org.jdna.dna.model.DnaModel;
import org.jdna.engine.autograd.GradMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole-split evaluation against a byte-by-byte recomputation of its definition. */
class EvaluatorTest {
    @TempDir
    Path tmp;

    /**
     * Each byte i = 1 .. L-1 of a held-out text, scored once: predicted from the bytes of its window before it
     * (windows start at 0, T, 2T, ...; the bytes after the last full window from a window ending at the last
     * byte), one forward pass per byte over exactly that context, log-softmax in double. A model trained a few
     * steps, so that bytes differ in loss by whole nats: a skipped or twice-counted byte moves the mean by far
     * more than float rounding. Can fail: see {@link TokenBatcher#covering}'s test for the window rules.
     */
    @Test
    void wholeSplitMeanIsTheMeanOverEveryByteOnce() {
        Trainer.run(TinyRuns.config(tmp.resolve("run"), 20, "train.lr=0.01"), TinyRuns.quietOptions());
        DnaModel model = TrainedModel.load(tmp.resolve("run"), "reference", 0).model();
        int context = model.config().context(); // 16
        byte[] text = ("The dog runs near the river. A teacher can open every window, but they watched the old"
                + " bridge.").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int length = text.length;               // 94: 93 targets, 5 full windows of 16 and a tail of 13
        TextSplit split = new TextSplit("val", text, new short[length], new int[]{0}, List.of("d"));

        double sum = 0;
        int full = (length - 1) / context;
        try (var noGrad = GradMode.disabled()) {
            for (int i = 1; i < length; i++) {
                int start = i <= full * context ? (i - 1) / context * context : length - 1 - context;
                int[] ctx = new int[i - start];
                for (int j = start; j < i; j++) {
                    ctx[j - start] = text[j] & 0xFF;
                }
                float[] logits = model.forwardTokens(ctx, 1).logits().toArray();
                int vocab = logits.length / ctx.length;
                float[] last = Arrays.copyOfRange(logits, (ctx.length - 1) * vocab, ctx.length * vocab);
                double max = Double.NEGATIVE_INFINITY;
                for (float v : last) {
                    max = Math.max(max, v);
                }
                double z = 0;
                for (float v : last) {
                    z += Math.exp(v - max);
                }
                sum += max + Math.log(z) - last[text[i] & 0xFF];
            }
        }
        double expected = sum / (length - 1);

        for (int batch : new int[]{1, 3, 8}) {
            EvalResult e = Evaluator.evaluate(model, TokenBatcher.covering(split, batch, context).stream()
                    .map(b -> (TrainBatch) new TrainBatch.Text(b)).toList());
            assertEquals(length - 1, e.targets(), "every byte but the first, batch " + batch);
            assertEquals(expected, e.loss(), 2e-5, "batch " + batch);
        }
        assertTrue(expected > 1 && expected < 5, "a partly trained model: " + expected);
    }
}
