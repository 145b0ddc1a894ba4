package org.jdna.dna.config;

import static org.jdna.dna.config.DataConfig.DATASET;
import static org.jdna.dna.config.DataConfig.SYNTHETIC_SIZE;
import static org.jdna.dna.config.DataConfig.VAL_FRACTION;
import static org.jdna.dna.config.ModelConfig.CONTEXT;
import static org.jdna.dna.config.ModelConfig.CONTROLLER_SPEED;
import static org.jdna.dna.config.ModelConfig.EXIT_STICKY;
import static org.jdna.dna.config.ModelConfig.FORCED_ROUTING;
import static org.jdna.dna.config.ModelConfig.HEADS;
import static org.jdna.dna.config.ModelConfig.IDENTITY_BIAS_RAMP;
import static org.jdna.dna.config.ModelConfig.IDENTITY_TARGET;
import static org.jdna.dna.config.ModelConfig.MLP_HIDDEN;
import static org.jdna.dna.config.ModelConfig.POOL;
import static org.jdna.dna.config.ModelConfig.POOL_MLP_HIDDEN;
import static org.jdna.dna.config.ModelConfig.POSITIONS;
import static org.jdna.dna.config.ModelConfig.ROUTED_STEPS;
import static org.jdna.dna.config.ModelConfig.ROUTER_HIDDEN;
import static org.jdna.dna.config.ModelConfig.STEP_ATTENTION;
import static org.jdna.dna.config.ModelConfig.STEP_MODULES;
import static org.jdna.dna.config.ModelConfig.STRAIGHT_THROUGH;
import static org.jdna.dna.config.ModelConfig.SWITCH_LOSS_ALPHA;
import static org.jdna.dna.config.ModelConfig.TASK;
import static org.jdna.dna.config.ModelConfig.TIED_EMBEDDINGS;
import static org.jdna.dna.config.ModelConfig.TOP_K;
import static org.jdna.dna.config.ModelConfig.VISION;
import static org.jdna.dna.config.ModelConfig.WIDTH;
import static org.jdna.dna.config.ModuleKind.IDENTITY;
import static org.jdna.dna.config.ModuleKind.TRANSFORMER;
import static org.jdna.dna.config.TrainConfig.BATCH_SIZE;
import static org.jdna.dna.config.TrainConfig.BETA2;
import static org.jdna.dna.config.TrainConfig.CHECKPOINT_EVERY;
import static org.jdna.dna.config.TrainConfig.EVAL_BATCHES;
import static org.jdna.dna.config.TrainConfig.EVAL_EVERY;
import static org.jdna.dna.config.TrainConfig.LR;
import static org.jdna.dna.config.TrainConfig.MICRO_BATCHES;
import static org.jdna.dna.config.TrainConfig.MIN_LR;
import static org.jdna.dna.config.TrainConfig.STEPS;
import static org.jdna.dna.config.TrainConfig.WARMUP_STEPS;
import static org.jdna.dna.config.TrainConfig.WEIGHT_DECAY;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

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
 * And one bigger model, to show what the engine's memory handling allows: {@code dna-d512}.
 */
public final class Presets {
    /** The preset without --preset: every field at its default. */
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
        PRESETS.put("dna-d512", Presets::dnaD512);
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

    // Every field at its default (the field tables of ModelConfig, TrainConfig, DataConfig).
    private static RunConfig dnaTop2() {
        return RunConfig.FIELDS.defaults();
    }

    /**
     * A bigger DNA: D = 512, 8 heads, H = 2048, T = 256, 8 transformer + 2 identity modules, 6 routed steps, top-2,
     * rotary positions; B = 8 (2,048 tokens per step) at peak lr 1e-3, run as 2 micro-batches of 4 so that a step's
     * activations (about 4 GiB at 8 sequences at once) fit a 4 GB heap with the 29M parameters and AdamW's state
     * (README, "Memory").
     */
    private static RunConfig dnaD512() {
        RunConfig base = dnaTop2();
        ModelConfig m = base.model().with(WIDTH, 512).with(HEADS, 8).with(MLP_HIDDEN, 2048).with(CONTEXT, 256)
                .with(POSITIONS, Positions.ROPE).withPool(ModulePool.of(TRANSFORMER, 8, IDENTITY, 2));
        TrainConfig t = base.train().with(BATCH_SIZE, 8).with(MICRO_BATCHES, 2).with(LR, 1e-3).with(MIN_LR, 1e-4)
                .withOutDir("runs/dna-d512");
        return base.withModel(m).withTrain(t);
    }

    private static RunConfig dnaTop1() {
        RunConfig base = dnaTop2();
        ModelConfig top1 = base.model().with(POOL, ModulePool.of(TRANSFORMER, 8)).with(TOP_K, 1)
                .with(IDENTITY_TARGET, 0.0);
        return base.withModel(top1).withTrain(base.train().withOutDir("runs/dna-top1"));
    }

    private static RunConfig dense() {
        RunConfig base = dnaTop2();
        ModelConfig m = base.model();
        ModelConfig dense = m.with(POOL, ModulePool.of(TRANSFORMER, m.routedSteps())).with(TOP_K, 1)
                .with(IDENTITY_TARGET, 0.0).with(FORCED_ROUTING, true);
        return base.withModel(dense).withTrain(base.train().withOutDir("runs/dense"));
    }

    private static RunConfig vision(ModelConfig m, double identityTarget, String name) {
        ModelConfig v = m.with(TASK, Task.VISION).with(IDENTITY_TARGET, identityTarget).with(TIED_EMBEDDINGS, false)
                .with(VISION, VisionConfig.fashionMnist());
        TrainConfig t = dnaTop2().train().with(STEPS, 1500).with(BATCH_SIZE, 64).with(LR, 1e-3).with(MIN_LR, 1e-4)
                .with(WARMUP_STEPS, 100).with(WEIGHT_DECAY, 0.05).with(BETA2, 0.999).with(EVAL_EVERY, 250)
                .with(EVAL_BATCHES, 20).with(CHECKPOINT_EVERY, 500).withOutDir("runs/" + name);
        DataConfig d = dnaTop2().data().with(DATASET, DataConfig.FASHION_MNIST).with(VAL_FRACTION, 1.0 / 12)
                .with(SYNTHETIC_SIZE, 12_000);
        return new RunConfig(v, t, d);
    }

    // ------------------------------------------------------------------ the special cases (issue 7)

    /** The dense preset's model with a new pool and everything routing-specific reset; {@code name} sets outDir. */
    private static RunConfig special(String name, UnaryOperator<ModelConfig> edit) {
        RunConfig base = dense();
        ModelConfig m = edit.apply(base.model().with(FORCED_ROUTING, false).with(IDENTITY_TARGET, 0.0));
        return base.withModel(m).withTrain(base.train().withOutDir("runs/" + name));
    }

    private static RunConfig universal() {
        return special("universal", m -> m.with(POOL, ModulePool.of(TRANSFORMER, 1))
                .with(STEP_MODULES, StepModules.perStep(6, s -> new int[] {0})));
    }

    private static RunConfig moe() {
        int experts = 4;
        return special("moe", m -> m.with(POOL, ModulePool.of(ModuleKind.MLP, 6 * experts)).with(TOP_K, 2)
                .with(STEP_ATTENTION, true).with(POOL_MLP_HIDDEN, 256).with(SWITCH_LOSS_ALPHA, 0.01)
                .with(STEP_MODULES, StepModules.perStep(6, s -> new int[] {experts * s, experts * s + 1,
                        experts * s + 2, experts * s + 3})));
    }

    // Step s: its own block (module s) or the identity (module 6).
    private static ModelConfig blockOrSkip(ModelConfig m) {
        return m.with(POOL, ModulePool.of(TRANSFORMER, 6, IDENTITY, 1)).with(TOP_K, 1)
                .with(STEP_MODULES, StepModules.perStep(6, s -> new int[] {s, 6}));
    }

    private static RunConfig mod() {
        return special("mod", m -> blockOrSkip(m).with(IDENTITY_TARGET, 0.3).with(CONTROLLER_SPEED, 1e-3));
    }

    private static RunConfig earlyExit() {
        return special("early-exit", m -> blockOrSkip(m).with(EXIT_STICKY, true).with(STRAIGHT_THROUGH, true)
                .with(IDENTITY_BIAS_RAMP, 0.3));
    }

    private static RunConfig radial() {
        return special("radial", m -> m.with(POOL, ModulePool.of(TRANSFORMER, 6, IDENTITY, 1)).with(TOP_K, 1)
                .with(ROUTED_STEPS, 8).with(ROUTER_HIDDEN, 32).with(EXIT_STICKY, true).with(STRAIGHT_THROUGH, true)
                .with(IDENTITY_TARGET, 0.3).with(CONTROLLER_SPEED, 1e-3));
    }

    // Starts from runs/dense (train the dense preset first); half the steps at a quarter of the rate.
    private static RunConfig radialDistil() {
        RunConfig r = radial();
        TrainConfig fine = r.train().with(STEPS, 300).with(LR, 5e-4).with(MIN_LR, 5e-5).with(WARMUP_STEPS, 20)
                .withOutDir("runs/radial-distil");
        return r.withTrain(fine).withDistil(DistilConfig.NONE.withTeacher("runs/dense"));
    }
}
