package org.jdna.dna.model;

import org.jdna.dna.config.Pooling;
import org.jdna.engine.nn.LayerNorm;
import org.jdna.engine.nn.Linear;
import org.jdna.engine.nn.Module;
import org.jdna.engine.ops.LinearAlgebra;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;

/**
 * The output node: final LayerNorm and the unembedding (language: logits per token, optionally tied
 * to the token embedding) or the classifier head (vision: one pooled vector per image, by the mean
 * over positions or the class token). Parameters: {@code norm.weight}, {@code norm.bias},
 * {@code head.weight} (V or classes, D) unless tied, {@code head.bias} for vision.
 */
public final class OutputNode extends Module {
    private final LayerNorm norm;
    private final Linear head;
    private final Tensor tiedWeight;
    private final Pooling pooling;

    /** Language: untied head (V, D) without bias, or {@code tiedWeight} (V, D) shared with the embedding. */
    public static OutputNode language(int width, int vocab, float eps, Tensor tiedWeight, Rng rng) {
        return new OutputNode(width, vocab, eps, tiedWeight, null, false, rng);
    }

    /** Vision: pooled over positions as {@code pooling} says, then a head (classes, D) with bias. */
    public static OutputNode vision(int width, int classes, float eps, Pooling pooling, Rng rng) {
        return new OutputNode(width, classes, eps, null, pooling, true, rng);
    }

    private OutputNode(int width, int outputs, float eps, Tensor tiedWeight, Pooling pooling, boolean bias, Rng rng) {
        this.norm = registerModule("norm", new LayerNorm(width, eps, true));
        this.tiedWeight = tiedWeight;
        this.head = tiedWeight == null ? registerModule("head", new Linear(width, outputs, bias, rng)) : null;
        this.pooling = pooling;
    }

    /** Language: h (N, D) -> logits (N, V). */
    public Tensor tokenLogits(Tensor h) {
        Tensor x = norm.forward(h);
        return head != null ? head.forward(x) : LinearAlgebra.linear(x, tiedWeight, null);
    }

    /** Vision: h (B*L, D) -> logits (B, classes); the class token sits at position 0 of each image. */
    public Tensor imageLogits(Tensor h, int batch, int seqLen) {
        int d = h.dim(1);
        Tensor perImage = h.reshape(batch, seqLen, d);
        Tensor pooled = pooling == Pooling.CLS
                ? perImage.slice(1, 0, 1).reshape(batch, d)
                : perImage.mean(false, 1);                          // (B, D)
        return head.forward(norm.forward(pooled));
    }

    public LayerNorm norm() { return norm; }

    /** The untied head, or null when tied to the token embedding. */
    public Linear head() { return head; }

    /** The unembedding matrix (V or classes, D), tied or not. */
    public Tensor headWeight() { return head != null ? head.weight() : tiedWeight; }

    /** Parameters a token (or image) uses here: the norm, the head matrix and its bias. */
    public long activeParameters() {
        Tensor w = headWeight();
        return norm.numParameters() + w.numel() + (head != null && head.bias() != null ? head.bias().numel() : 0);
    }
}
