package org.jdna.dna.config;

/**
 * The DNA proto-architecture (dna-notes sections 1 and 3). Letters: T context, D width, H MLP
 * hidden width, N_b backbone blocks, S routed steps, E pool size, K top-k.
 *
 * @param task              language (next byte) or vision (classification)
 * @param vocabSize         tokens of the input node; 256 for byte-level text
 * @param context           T, tokens per sequence (language)
 * @param width             D, the residual stream width
 * @param heads             attention heads; must divide D
 * @param mlpHidden         H, hidden width of every MLP (D -> H -> D)
 * @param backboneBlocks    N_b dense pre-LN blocks every token passes before the routed steps
 * @param routedSteps       S routed steps, one router each
 * @param pool              the E modules shared by all steps
 * @param topK              K modules chosen per token and step (1 or 2)
 * @param routerInput       router reads LayerNorm(h) or raw h
 * @param routerInitStd     std of the router weights at init; 0 gives uniform routing at the start
 * @param renormalize       combine with rho renormalised over the chosen K (default: full softmax rho)
 * @param routerNoise       exploration noise on the selection (none or gumbel)
 * @param routerNoiseScale  scale of that noise
 * @param identityTarget    r, wanted fraction of routes to identity modules per step (0 = no target)
 * @param controllerSpeed   u, the identity-bias controller's step per optimizer step (0 = off)
 * @param switchLossAlpha   weight of the Switch-Transformer load-balancing loss (0 = off, the paper's setting)
 * @param tiedEmbeddings    unembedding shares the token embedding's weights
 * @param forcedRouting     step s always uses module s (the dense special case; needs E = S and K = 1)
 * @param positions         learned absolute positions or rotary
 * @param dropout           dropout probability in the blocks
 * @param normEps           epsilon of every LayerNorm
 * @param vision            image and patch settings (used when task = vision)
 */
public record ModelConfig(
        Task task,
        int vocabSize,
        int context,
        int width,
        int heads,
        int mlpHidden,
        int backboneBlocks,
        int routedSteps,
        ModulePool pool,
        int topK,
        RouterInput routerInput,
        double routerInitStd,
        boolean renormalize,
        RouterNoise routerNoise,
        double routerNoiseScale,
        double identityTarget,
        double controllerSpeed,
        double switchLossAlpha,
        boolean tiedEmbeddings,
        boolean forcedRouting,
        Positions positions,
        double dropout,
        double normEps,
        VisionConfig vision) {

    /** E, the pool size. */
    public int poolSize() { return pool.size(); }

    /** D / heads. */
    public int headDim() { return width / heads; }

    /** Sequence length the blocks see: T for language, patches (+ class token) for vision. */
    public int sequenceLength() {
        return task == Task.VISION ? vision.sequenceLength() : context;
    }

    public ModelConfig withPool(ModulePool p) {
        return new ModelConfig(task, vocabSize, context, width, heads, mlpHidden, backboneBlocks, routedSteps, p,
                topK, routerInput, routerInitStd, renormalize, routerNoise, routerNoiseScale, identityTarget,
                controllerSpeed, switchLossAlpha, tiedEmbeddings, forcedRouting, positions, dropout, normEps, vision);
    }
}
