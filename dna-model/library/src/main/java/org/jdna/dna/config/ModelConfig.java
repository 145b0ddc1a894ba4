package org.jdna.dna.config;

/**
 * The DNA proto-architecture (docs/method.md sections 1 and 3). Letters: T context, D width, H MLP
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
 * @param stepModules       modules each routed step may choose (default: all); a step with one allowed module is
 *                          forced (no router, weight 1). See {@link StepModules}
 * @param stepAttention     each routed step starts with its own fixed (not routed) attention half, as in a
 *                          Mixture-of-Experts layer (default false)
 * @param poolMlpHidden     hidden width of the pool modules' MLPs (0 = mlpHidden), e.g. fine-grained experts
 * @param routerHidden      0: a router is a linear map; R > 0: a small MLP D -> R -> GELU -> E (Radial Networks)
 * @param exitSticky        a token whose every choice at a step is an identity module has exited: it takes an
 *                          identity at every later step (true exit: early exit, Radial Networks)
 * @param straightThrough   combine with weight 1 in the forward pass and the gradient of rho in the backward pass
 *                          (h = M(h) exactly for one chosen module), instead of rho (Eq. 1)
 * @param identityBiasRamp  initial selection bias of the identity modules at step s: ramp * s / (S - 1), so later
 *                          steps lean toward skipping (early exit); 0 = none
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
        VisionConfig vision,
        StepModules stepModules,
        boolean stepAttention,
        int poolMlpHidden,
        int routerHidden,
        boolean exitSticky,
        boolean straightThrough,
        double identityBiasRamp) {

    public ModelConfig {
        stepModules = stepModules == null ? StepModules.ALL : stepModules;
    }

    /** The fields added after the first release and their defaults, so older saved configs still load. */
    public static final java.util.Map<String, Object> LATER_FIELD_DEFAULTS = java.util.Map.of(
            "stepModules", "", "stepAttention", false, "poolMlpHidden", 0, "routerHidden", 0,
            "exitSticky", false, "straightThrough", false, "identityBiasRamp", 0.0);

    /** The original 24 fields; the later ones take their defaults (all modules at every step, no extras). */
    public ModelConfig(Task task, int vocabSize, int context, int width, int heads, int mlpHidden, int backboneBlocks,
                       int routedSteps, ModulePool pool, int topK, RouterInput routerInput, double routerInitStd,
                       boolean renormalize, RouterNoise routerNoise, double routerNoiseScale, double identityTarget,
                       double controllerSpeed, double switchLossAlpha, boolean tiedEmbeddings, boolean forcedRouting,
                       Positions positions, double dropout, double normEps, VisionConfig vision) {
        this(task, vocabSize, context, width, heads, mlpHidden, backboneBlocks, routedSteps, pool, topK, routerInput,
                routerInitStd, renormalize, routerNoise, routerNoiseScale, identityTarget, controllerSpeed,
                switchLossAlpha, tiedEmbeddings, forcedRouting, positions, dropout, normEps, vision, StepModules.ALL,
                false, 0, 0, false, false, 0.0);
    }

    /** The modules step s may choose, in router order: {s} with forced routing, else from {@link #stepModules}. */
    public int[] allowedModules(int step) {
        return forcedRouting ? new int[] {step} : stepModules.allowed(step, pool.size());
    }

    /** True when step s has one allowed module: it runs on every token with weight 1 and has no router. */
    public boolean isForcedStep(int step) { return allowedModules(step).length == 1; }

    /** True when every routed step is forced (forced routing, or one module per step in stepModules). */
    public boolean allStepsForced() {
        for (int s = 0; s < routedSteps; s++) {
            if (!isForcedStep(s)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The identity fraction the controller aims at for routed step s: r, or with sticky exits the ramp
     * r_s = min(0.95, 2 r (s + 1) / (S + 1)), whose mean over the steps is r (an exited token stays exited, so
     * the fraction can only grow with depth; see the model's IdentityBiasController).
     */
    public double identityTargetOfStep(int step) {
        return rampedTarget(identityTarget, exitSticky, step, routedSteps);
    }

    /** {@link #identityTargetOfStep} for a target r over S steps, ramped or not. */
    public static double rampedTarget(double r, boolean ramp, int step, int steps) {
        return ramp ? Math.min(0.95, 2 * r * (step + 1) / (steps + 1)) : r;
    }

    /** Hidden width of the pool modules' MLPs. */
    public int poolHidden() { return poolMlpHidden > 0 ? poolMlpHidden : mlpHidden; }

    /** A builder starting from this config. */
    public ModelConfigBuilder toBuilder() { return new ModelConfigBuilder(this); }

    /** E, the pool size. */
    public int poolSize() { return pool.size(); }

    /** D / heads. */
    public int headDim() { return width / heads; }

    /** Sequence length the blocks see: T for language, patches (+ class token) for vision. */
    public int sequenceLength() {
        return task == Task.VISION ? vision.sequenceLength() : context;
    }

    public ModelConfig withPool(ModulePool p) {
        return toBuilder().pool(p).build();
    }
}
