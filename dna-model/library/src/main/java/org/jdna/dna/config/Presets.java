package org.jdna.dna.config;

import static org.jdna.dna.config.ModuleKind.IDENTITY;
import static org.jdna.dna.config.ModuleKind.TRANSFORMER;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Named starting configurations. The language ones are small enough to show real learning in about
 * five minutes on two cores (D=128, 4 heads, T=128, B=16, N_b=1, S=6); the three are compared at equal
 * active parameters: dna-top1 and dense both run one transformer block per routed step.
 *
 * <ul>
 *   <li>{@code dna-top2} (the default): E = 8 transformer + 2 identity modules, K = 2, skip target r = 0.3;</li>
 *   <li>{@code dna-top1}: E = 8 transformer modules, K = 1, no identity modules;</li>
 *   <li>{@code dense}: E = S transformer modules, routing forced to module s at step s (a plain transformer);</li>
 *   <li>{@code vision-dna-top2} (r = 0.25), {@code vision-dna-top1}, {@code vision-dense}: the same on
 *       Fashion-MNIST with 4x4 patches.</li>
 * </ul>
 * The special cases of docs/method.md section 4 (issue 7), each on the same backbone, width and depth as
 * {@code dense} (N_b = 1, S = 6, D = 128), each checked against a direct implementation in the tests:
 * <ul>
 *   <li>{@code universal}: one transformer block shared by the six steps (pool = 1 module, every step forced
 *       to it: no routers). Active parameters and FLOPs per token = dense; total = backbone + 1 block;</li>
 *   <li>{@code moe}: a Mixture-of-Experts transformer. Each step has its own fixed attention half
 *       ({@code stepAttention}), then routes each token to K = 2 of that step's 4 MLP experts (pool = 24 MLP
 *       modules, step s may choose modules 4s..4s+3), combined with their router probabilities; experts have
 *       hidden width H/2 = 256, so a token's active MLP width per step is 2 x 256 = dense's 512 (active
 *       parameters = dense + routers); total has 4x the dense MLPs. Switch load-balancing loss alpha = 0.01
 *       ({@code model.switchLossAlpha=0} turns it off; {@code model.stepModules=} shares the 24 experts
 *       across steps, DNA style);</li>
 *   <li>{@code mod}: Mixture-of-Depths. Step s may run its own block (module s) or skip it (module 6, the
 *       identity); K = 1, the block's output weighted by its router probability as in MoD (x + r f(x)); the
 *       identity-bias controller holds the skip rate at r = 0.3 per step (a learned skip target instead of
 *       MoD's per-batch top-capacity selection, which would let a token's choice depend on later tokens).
 *       Total parameters = dense; active and FLOPs about 0.7 x dense's blocks;</li>
 *   <li>{@code early-exit}: the same pool, but an exit is final ({@code exitSticky}: a token that takes the
 *       identity keeps it at every later step) and combination weights are straight-through (1 forward, so a
 *       token that never exits runs exactly the dense network); the identity starts with a selection bias
 *       rising linearly from 0 at step 0 to 0.3 at the last step ({@code identityBiasRamp}), no target;</li>
 *   <li>{@code radial}: a Radial Network (docs/method.md section 6): after the backbone block a small MLP router
 *       (D -> 32 -> E) per depth step picks, per token, any of the 6 layers (reuse allowed) or the exit;
 *       maximum depth 8 routed visits; exits are final, weights straight-through; the controller aims at
 *       r = 0.3 of the routed visits saved (ramped over depth, see IdentityBiasController), i.e. 5.6 layer
 *       visits on average. {@code radial-distil} starts from a trained dense run (see org.jdna.dna.radial).</li>
 * </ul>
 */
public final class Presets {
    public static final String DEFAULT = "dna-top2";

    private static final Map<String, Supplier<RunConfig>> PRESETS = new LinkedHashMap<>();

    static {
        PRESETS.put("dna-top2", Presets::dnaTop2);
        PRESETS.put("dna-top1", Presets::dnaTop1);
        PRESETS.put("dense", Presets::dense);
        PRESETS.put("universal", Presets::universal);
        PRESETS.put("moe", Presets::moe);
        PRESETS.put("mod", Presets::mod);
        PRESETS.put("early-exit", Presets::earlyExit);
        PRESETS.put("radial", Presets::radial);
        PRESETS.put("radial-distil", Presets::radialDistil);
        PRESETS.put("vision-dna-top2", () -> vision(dnaTop2().model().withPool(ModulePool.of(TRANSFORMER, 8, IDENTITY, 2)), 0.25, "vision-dna-top2"));
        PRESETS.put("vision-dna-top1", () -> vision(dnaTop1().model(), 0.0, "vision-dna-top1"));
        PRESETS.put("vision-dense", () -> vision(dense().model(), 0.0, "vision-dense"));
    }

    private Presets() {}

    public static List<String> names() { return List.copyOf(PRESETS.keySet()); }

    /** The preset's configuration; an unknown name is an error listing the known ones. */
    public static RunConfig get(String name) {
        Supplier<RunConfig> s = PRESETS.get(name);
        if (s == null) {
            throw new ConfigException("unknown preset '" + name + "' (known presets: " + names() + ")");
        }
        return s.get();
    }

    private static RunConfig dnaTop2() {
        ModelConfig model = new ModelConfig(Task.LANGUAGE, 256, 128, 128, 4, 512, 1, 6,
                ModulePool.of(TRANSFORMER, 8, IDENTITY, 2), 2, RouterInput.LAYERNORM, 0.02, false,
                RouterNoise.NONE, 1.0, 0.3, 1e-3, 0.0, false, false, Positions.LEARNED, 0.0, 1e-5,
                VisionConfig.fashionMnist());
        TrainConfig train = new TrainConfig(600, 16, 2e-3, 2e-4, 50, 0.1, 0.9, 0.95, 1e-8, 1.0, 100, 16, 1L, 200,
                10, "runs/dna-top2", "auto", 0, 0);
        DataConfig data = new DataConfig(DataConfig.BROWN, "", 0.1, true, 4_000_000);
        return new RunConfig(model, train, data);
    }

    private static RunConfig dnaTop1() {
        RunConfig base = dnaTop2();
        ModelConfig m = base.model();
        ModelConfig top1 = new ModelConfig(m.task(), m.vocabSize(), m.context(), m.width(), m.heads(), m.mlpHidden(),
                m.backboneBlocks(), m.routedSteps(), ModulePool.of(TRANSFORMER, 8), 1, m.routerInput(),
                m.routerInitStd(), m.renormalize(), m.routerNoise(), m.routerNoiseScale(), 0.0, m.controllerSpeed(),
                m.switchLossAlpha(), m.tiedEmbeddings(), false, m.positions(), m.dropout(), m.normEps(), m.vision());
        return base.withModel(top1).withTrain(base.train().withOutDir("runs/dna-top1"));
    }

    private static RunConfig dense() {
        RunConfig base = dnaTop2();
        ModelConfig m = base.model();
        ModelConfig dense = new ModelConfig(m.task(), m.vocabSize(), m.context(), m.width(), m.heads(), m.mlpHidden(),
                m.backboneBlocks(), m.routedSteps(), ModulePool.of(TRANSFORMER, m.routedSteps()), 1, m.routerInput(),
                m.routerInitStd(), m.renormalize(), m.routerNoise(), m.routerNoiseScale(), 0.0, m.controllerSpeed(),
                m.switchLossAlpha(), m.tiedEmbeddings(), true, m.positions(), m.dropout(), m.normEps(), m.vision());
        return base.withModel(dense).withTrain(base.train().withOutDir("runs/dense"));
    }

    private static RunConfig vision(ModelConfig m, double identityTarget, String name) {
        ModelConfig v = new ModelConfig(Task.VISION, m.vocabSize(), m.context(), m.width(), m.heads(), m.mlpHidden(),
                m.backboneBlocks(), m.routedSteps(), m.pool(), m.topK(), m.routerInput(), m.routerInitStd(),
                m.renormalize(), m.routerNoise(), m.routerNoiseScale(), identityTarget, m.controllerSpeed(),
                m.switchLossAlpha(), false, m.forcedRouting(), Positions.LEARNED, m.dropout(), m.normEps(),
                VisionConfig.fashionMnist());
        TrainConfig t = new TrainConfig(1500, 64, 1e-3, 1e-4, 100, 0.05, 0.9, 0.999, 1e-8, 1.0, 250, 20, 1L, 500, 10,
                "runs/" + name, "auto", 0, 0);
        DataConfig d = new DataConfig(DataConfig.FASHION_MNIST, "", 1.0 / 12, true, 12_000);
        return new RunConfig(v, t, d);
    }

    // ------------------------------------------------------------------ the special cases (issue 7)

    /** The dense preset's model with a new pool and everything routing-specific reset; {@code name} sets outDir. */
    private static RunConfig special(String name, java.util.function.UnaryOperator<ModelConfigBuilder> edit) {
        RunConfig base = dense();
        ModelConfig m = edit.apply(base.model().toBuilder().forcedRouting(false).identityTarget(0)).build();
        return base.withModel(m).withTrain(base.train().withOutDir("runs/" + name));
    }

    private static RunConfig universal() {
        return special("universal", b -> b.pool(ModulePool.of(TRANSFORMER, 1))
                .stepModules(StepModules.perStep(6, s -> new int[] {0})));
    }

    private static RunConfig moe() {
        int experts = 4;
        return special("moe", b -> b.pool(ModulePool.of(ModuleKind.MLP, 6 * experts)).topK(2)
                .stepAttention(true).poolMlpHidden(256).switchLossAlpha(0.01)
                .stepModules(StepModules.perStep(6, s -> new int[] {experts * s, experts * s + 1, experts * s + 2,
                        experts * s + 3})));
    }

    // Step s: its own block (module s) or the identity (module 6).
    private static ModelConfigBuilder blockOrSkip(ModelConfigBuilder b) {
        return b.pool(ModulePool.of(TRANSFORMER, 6, IDENTITY, 1)).topK(1)
                .stepModules(StepModules.perStep(6, s -> new int[] {s, 6}));
    }

    private static RunConfig mod() {
        return special("mod", b -> blockOrSkip(b).identityTarget(0.3).controllerSpeed(1e-3));
    }

    private static RunConfig earlyExit() {
        return special("early-exit", b -> blockOrSkip(b).exitSticky(true).straightThrough(true)
                .identityBiasRamp(0.3));
    }

    private static RunConfig radial() {
        return special("radial", b -> b.pool(ModulePool.of(TRANSFORMER, 6, IDENTITY, 1)).topK(1).routedSteps(8)
                .routerHidden(32).exitSticky(true).straightThrough(true).identityTarget(0.3).controllerSpeed(1e-3));
    }

    // Starts from runs/dense (train the dense preset first); half the steps at a quarter of the rate.
    private static RunConfig radialDistil() {
        RunConfig r = radial();
        TrainConfig t = r.train();
        TrainConfig fine = new TrainConfig(300, t.batchSize(), 5e-4, 5e-5, 20, t.weightDecay(), t.beta1(), t.beta2(),
                t.adamEps(), t.gradClip(), t.evalEvery(), t.evalBatches(), t.seed(), t.checkpointEvery(), t.logEvery(),
                "runs/radial-distil", t.backend(), t.device(), t.threads());
        return r.withTrain(fine).withDistil(DistilConfig.NONE.withTeacher("runs/dense"));
    }
}
