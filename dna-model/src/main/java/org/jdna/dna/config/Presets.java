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
 */
public final class Presets {
    public static final String DEFAULT = "dna-top2";

    private static final Map<String, Supplier<RunConfig>> PRESETS = new LinkedHashMap<>();

    static {
        PRESETS.put("dna-top2", Presets::dnaTop2);
        PRESETS.put("dna-top1", Presets::dnaTop1);
        PRESETS.put("dense", Presets::dense);
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
}
