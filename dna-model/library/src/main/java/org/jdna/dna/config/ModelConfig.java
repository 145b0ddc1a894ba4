package org.jdna.dna.config;

import java.util.function.Predicate;

/**
 * The DNA proto-architecture (docs/method.md sections 1 and 3). Letters: T context, D width, H MLP
 * hidden width, N_b backbone blocks, S routed steps, E pool size, K top-k.
 *
 * <p>Each field is declared once, in the table below the components: JSON name, default (the
 * {@value Presets#DEFAULT} preset), allowed values and meaning; JSON, {@code --set}, the range checks and
 * {@code jdna info --fields} follow from it. Change a field with {@code config.with(ModelConfig.TOP_K, 1)}.
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
        double identityBiasRamp,
        boolean bias) {

    private static final ConfigSection.Builder<ModelConfig> F = ConfigSection.builder(ModelConfig.class);
    private static final Predicate<ModelConfig> LANGUAGE = m -> m.task() == Task.LANGUAGE;

    public static final ConfigField<ModelConfig, Task> TASK = F.field("task", Task.LANGUAGE,
            "language (next byte) or vision (image classification)");
    public static final ConfigField<ModelConfig, Integer> VOCAB_SIZE = F.field("vocabSize", 256,
            "tokens of the input node; tokens are bytes").range(256, 256).when(LANGUAGE, "task = language");
    public static final ConfigField<ModelConfig, Integer> CONTEXT = F.field("context", 128,
            "T, tokens per sequence").range(1, 1 << 16).when(LANGUAGE, "task = language");
    public static final ConfigField<ModelConfig, Integer> WIDTH = F.field("width", 128,
            "D, the residual stream width").range(1, 1 << 16);
    public static final ConfigField<ModelConfig, Integer> HEADS = F.field("heads", 4,
            "attention heads; must divide D").range(1, "width", ModelConfig::width);
    public static final ConfigField<ModelConfig, Integer> MLP_HIDDEN = F.field("mlpHidden", 512,
            "H, hidden width of every MLP (D -> H -> D)").range(1, 1 << 20);
    public static final ConfigField<ModelConfig, Integer> BACKBONE_BLOCKS = F.field("backboneBlocks", 1,
            "N_b, dense pre-LN blocks every token passes before the routed steps").range(0, 64);
    public static final ConfigField<ModelConfig, Integer> ROUTED_STEPS = F.field("routedSteps", 6,
            "S, routed steps, one router each").range(1, 256);
    public static final ConfigField<ModelConfig, ModulePool> POOL = F.field("pool",
            ModulePool.of(ModuleKind.TRANSFORMER, 8, ModuleKind.IDENTITY, 2),
            "the E modules shared by all steps, 1 to 1024 (module i of every router is the i-th)");
    public static final ConfigField<ModelConfig, Integer> TOP_K = F.field("topK", 2,
            "K, modules chosen per token and step; top-k supports 1 or 2 and at most E")
            .range(1, "min(2, E)", m -> Math.min(2, m.poolSize()));
    public static final ConfigField<ModelConfig, RouterInput> ROUTER_INPUT = F.field("routerInput",
            RouterInput.LAYERNORM, "the router reads LayerNorm(h) or raw h");
    public static final ConfigField<ModelConfig, Double> ROUTER_INIT_STD = F.field("routerInitStd", 0.02,
            "std of the router weights at init; 0 = uniform routing at the start").atLeast(0);
    public static final ConfigField<ModelConfig, Boolean> RENORMALIZE = F.field("renormalize", false,
            "combine with rho renormalised over the chosen K (false: the full softmax rho)");
    public static final ConfigField<ModelConfig, RouterNoise> ROUTER_NOISE = F.field("routerNoise",
            RouterNoise.NONE, "exploration noise on the selection only");
    public static final ConfigField<ModelConfig, Double> ROUTER_NOISE_SCALE = F.field("routerNoiseScale", 1.0,
            "scale of the router noise").atLeast(0);
    public static final ConfigField<ModelConfig, Double> IDENTITY_TARGET = F.field("identityTarget", 0.3,
            "r, wanted fraction of routes to identity modules per step (0 = no target)").range(0, 0.95);
    public static final ConfigField<ModelConfig, Double> CONTROLLER_SPEED = F.field("controllerSpeed", 1e-3,
            "u, the identity-bias controller's step per optimizer step (0 = off)").atLeast(0);
    public static final ConfigField<ModelConfig, Double> SWITCH_LOSS_ALPHA = F.field("switchLossAlpha", 0.0,
            "weight of the Switch-Transformer load-balancing loss (0 = off, the paper's setting)").atLeast(0);
    public static final ConfigField<ModelConfig, Boolean> TIED_EMBEDDINGS = F.field("tiedEmbeddings", false,
            "the unembedding shares the token embedding's weights (language only)");
    public static final ConfigField<ModelConfig, Boolean> FORCED_ROUTING = F.field("forcedRouting", false,
            "step s always uses module s: the dense special case (needs E = S and K = 1)");
    public static final ConfigField<ModelConfig, Positions> POSITIONS = F.field("positions", Positions.LEARNED,
            "position information: learned (absolute embeddings added to the input) or rope (rotary: every attention"
                    + " rotates queries and keys by the tokens' original positions; language only)");
    public static final ConfigField<ModelConfig, Double> DROPOUT = F.field("dropout", 0.0,
            "dropout probability in the blocks").range(0, 0.9);
    public static final ConfigField<ModelConfig, Double> NORM_EPS = F.field("normEps", 1e-5,
            "epsilon of every LayerNorm").range(1e-12, 1e-1);
    public static final ConfigField<ModelConfig, VisionConfig> VISION = F.field("vision", VisionConfig.fashionMnist(),
            "image and patch settings").when(m -> m.task() == Task.VISION, "task = vision");
    public static final ConfigField<ModelConfig, StepModules> STEP_MODULES = F.field("stepModules", StepModules.ALL,
            "modules each routed step may choose, e.g. \"0,6;1,6\" ('' = all); a step with one module is forced"
            + " (no router, weight 1)").optional();
    public static final ConfigField<ModelConfig, Boolean> STEP_ATTENTION = F.field("stepAttention", false,
            "each routed step starts with its own fixed attention half, as in a Mixture-of-Experts layer").optional();
    public static final ConfigField<ModelConfig, Integer> POOL_MLP_HIDDEN = F.field("poolMlpHidden", 0,
            "hidden width of the pool modules' MLPs (0 = mlpHidden), e.g. fine-grained experts")
            .range(0, 1 << 20).optional();
    public static final ConfigField<ModelConfig, Integer> ROUTER_HIDDEN = F.field("routerHidden", 0,
            "0: a router is a linear map; R > 0: a small MLP D -> R -> GELU -> E (Radial Networks)")
            .range(0, 1 << 16).optional();
    public static final ConfigField<ModelConfig, Boolean> EXIT_STICKY = F.field("exitSticky", false,
            "a token whose every choice at a step is an identity has exited: identities at every later step")
            .optional();
    public static final ConfigField<ModelConfig, Boolean> STRAIGHT_THROUGH = F.field("straightThrough", false,
            "combine with weight 1 forward and the gradient of rho backward (h = M(h) for one chosen module)")
            .optional();
    public static final ConfigField<ModelConfig, Double> IDENTITY_BIAS_RAMP = F.field("identityBiasRamp", 0.0,
            "initial selection bias of the identities at step s: ramp * s / (S - 1), for early exit; 0 = none")
            .atLeast(0).optional();
    public static final ConfigField<ModelConfig, Boolean> BIAS = F.field("bias", true,
            "biases in the blocks' linear layers and LayerNorms (false: none, as in PaLM)").optional();

    /** The table of the fields above, checked against the components. */
    public static final ConfigSection<ModelConfig> FIELDS = F.build();

    public ModelConfig {
        stepModules = stepModules == null ? StepModules.ALL : stepModules;
    }

    /** The original 24 fields; the later ones take their defaults (all modules at every step, no extras). */
    public ModelConfig(Task task, int vocabSize, int context, int width, int heads, int mlpHidden, int backboneBlocks,
                       int routedSteps, ModulePool pool, int topK, RouterInput routerInput, double routerInitStd,
                       boolean renormalize, RouterNoise routerNoise, double routerNoiseScale, double identityTarget,
                       double controllerSpeed, double switchLossAlpha, boolean tiedEmbeddings, boolean forcedRouting,
                       Positions positions, double dropout, double normEps, VisionConfig vision) {
        this(task, vocabSize, context, width, heads, mlpHidden, backboneBlocks, routedSteps, pool, topK, routerInput,
                routerInitStd, renormalize, routerNoise, routerNoiseScale, identityTarget, controllerSpeed,
                switchLossAlpha, tiedEmbeddings, forcedRouting, positions, dropout, normEps, vision,
                STEP_MODULES.defaultValue(), STEP_ATTENTION.defaultValue(), POOL_MLP_HIDDEN.defaultValue(),
                ROUTER_HIDDEN.defaultValue(), EXIT_STICKY.defaultValue(), STRAIGHT_THROUGH.defaultValue(),
                IDENTITY_BIAS_RAMP.defaultValue(), BIAS.defaultValue());
    }

    /** This config with one field changed: {@code c.with(TOP_K, 1).with(IDENTITY_TARGET, 0.0)}. */
    public <T> ModelConfig with(ConfigField<ModelConfig, T> field, T value) { return FIELDS.with(this, field, value); }

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

    /** E, the pool size. */
    public int poolSize() { return pool.size(); }

    /** D / heads. */
    public int headDim() { return width / heads; }

    /** Sequence length the blocks see: T for language, patches (+ class token) for vision. */
    public int sequenceLength() {
        return task == Task.VISION ? vision.sequenceLength() : context;
    }

    public ModelConfig withPool(ModulePool p) {
        return with(POOL, p);
    }
}
