package org.jdna.engine.nn;

import org.jdna.engine.ops.Losses;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;

/**
 * A small GPT-2 for end-to-end checks: token and position embeddings, pre-LN blocks, final
 * LayerNorm, untied unembedding, GPT-2 initialisation. It runs on rows and segments, so the same
 * model serves a dense batch (segments {0, T, 2T, ...}) and routed-style uneven segments whose rows
 * carry their original positions.
 */
public final class TinyGpt extends Module {

    public record Config(int vocab, int context, int dim, int heads, int layers) {
    }

    private final Config config;
    private final Embedding tok;
    private final Embedding pos;
    private final ModuleList<TransformerBlock> blocks;
    private final LayerNorm lnF;
    private final Linear head;

    /** Built on the current backend; weights drawn from {@code rng}. */
    public TinyGpt(Config config, Rng rng) {
        this.config = config;
        tok = registerModule("tok", new Embedding(config.vocab(), config.dim(), rng));
        pos = registerModule("pos", new Embedding(config.context(), config.dim(), rng));
        blocks = registerModule("blocks", new ModuleList<>());
        for (int i = 0; i < config.layers(); i++) {
            blocks.add(new TransformerBlock(TransformerBlock.Options.gpt2(config.dim(), config.heads()), rng));
        }
        lnF = registerModule("ln_f", new LayerNorm(config.dim()));
        head = registerModule("head", new Linear(config.dim(), config.vocab(), false, rng));
        Gpt2Init.apply(this, config.layers(), rng);
    }

    /** ids (rows), positions (rows), segment offsets -> logits (rows, vocab); causal within each segment. */
    public Tensor logits(int[] ids, int[] positions, int[] segments) {
        Tensor h = tok.forward(ids).add(pos.forward(positions));   // (rows, D)
        for (TransformerBlock block : blocks) {
            h = block.forward(h, segments, true, null);
        }
        return head.forward(lnF.forward(h));
    }

    /** Mean next-token cross-entropy. */
    public Tensor loss(int[] ids, int[] positions, int[] segments, int[] targets) {
        return Losses.crossEntropy(logits(ids, positions, segments), targets, -1);
    }

    public Config config() { return config; }
}
