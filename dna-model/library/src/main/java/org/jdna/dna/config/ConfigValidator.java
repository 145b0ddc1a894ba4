package org.jdna.dna.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks every field of a {@link RunConfig}. Each problem names the field, its value and what is
 * allowed, e.g. {@code model.topK = 3 must be in [1, 2] (modules chosen per token and step)}; all
 * problems are reported at once.
 */
public final class ConfigValidator {
    static final Set<String> BACKENDS = Set.of("auto", "reference", "simd", "cuda");
    private static final Set<String> LANGUAGE_DATA = Set.of(DataConfig.BROWN, DataConfig.SYNTHETIC_TEXT);
    private static final Set<String> VISION_DATA = Set.of(DataConfig.FASHION_MNIST, DataConfig.SYNTHETIC_IMAGES);

    private final List<String> problems = new ArrayList<>();

    private ConfigValidator() {}

    /** Throws a {@link ConfigException} listing every problem; returns the config when there is none. */
    public static RunConfig validate(RunConfig config) {
        ConfigValidator v = new ConfigValidator();
        v.checkPresent("model", config.model());
        v.checkPresent("train", config.train());
        v.checkPresent("data", config.data());
        if (v.problems.isEmpty()) {
            v.model(config.model());
            v.train(config.train());
            v.data(config.data(), config.model().task());
            v.distil(config.distil(), config.model());
        }
        if (!v.problems.isEmpty()) {
            throw new ConfigException(v.problems);
        }
        return config;
    }

    private void model(ModelConfig m) {
        for (String f : List.of("task", "pool", "routerInput", "routerNoise", "positions", "vision")) {
            Object value = switch (f) {
                case "task" -> m.task();
                case "pool" -> m.pool();
                case "routerInput" -> m.routerInput();
                case "routerNoise" -> m.routerNoise();
                case "positions" -> m.positions();
                default -> m.vision();
            };
            checkPresent("model." + f, value);
        }
        if (!problems.isEmpty()) {
            return;
        }
        if (m.task() == Task.LANGUAGE) {
            inRange("model.vocabSize", m.vocabSize(), 256, 256, "tokens are bytes");
            inRange("model.context", m.context(), 1, 1 << 16, "tokens per sequence");
        }
        inRange("model.width", m.width(), 1, 1 << 16, "residual width D");
        if (m.width() >= 1) {
            inRange("model.heads", m.heads(), 1, m.width(), "attention heads, at most D");
        }
        if (m.heads() >= 1 && m.width() >= 1 && m.width() % m.heads() != 0) {
            problems.add("model.heads = " + m.heads() + " must divide model.width = " + m.width());
        }
        inRange("model.mlpHidden", m.mlpHidden(), 1, 1 << 20, "MLP hidden width H");
        inRange("model.backboneBlocks", m.backboneBlocks(), 0, 64, "dense blocks before the routed steps");
        inRange("model.routedSteps", m.routedSteps(), 1, 256, "routed steps S");
        int e = m.poolSize();
        inRange("model.pool size", e, 1, ModulePool.MAX_SIZE, "modules E in the pool");
        if (e >= 1) {
            inRange("model.topK", m.topK(), 1, Math.min(2, e),
                    "modules chosen per token and step; top-k supports 1 or 2 and at most the pool size " + e);
        }
        atLeast("model.routerInitStd", m.routerInitStd(), 0, "std of router weights; 0 = uniform routing at init");
        atLeast("model.routerNoiseScale", m.routerNoiseScale(), 0, "scale of the router noise");
        inRange("model.identityTarget", m.identityTarget(), 0, 0.95, "fraction r of routes sent to identity modules");
        if (m.identityTarget() > 0 && e >= 1 && m.pool().identityCount() == 0) {
            problems.add("model.identityTarget = " + m.identityTarget() + " needs at least one identity module in"
                    + " model.pool = " + m.pool() + " (add e.g. identity:" + m.topK() + ", or set the target to 0)");
        }
        atLeast("model.controllerSpeed", m.controllerSpeed(), 0, "identity-bias step u; 0 turns the controller off");
        atLeast("model.switchLossAlpha", m.switchLossAlpha(), 0, "weight of the load-balancing loss; 0 = off");
        inRange("model.dropout", m.dropout(), 0, 0.9, "dropout probability");
        inRange("model.normEps", m.normEps(), 1e-12, 1e-1, "LayerNorm epsilon");
        if (m.forcedRouting()) {
            if (e != m.routedSteps()) {
                problems.add("model.forcedRouting = true needs a pool of exactly model.routedSteps = "
                        + m.routedSteps() + " modules (step s uses module s), but model.pool = " + m.pool() + " has " + e);
            }
            if (m.topK() != 1) {
                problems.add("model.forcedRouting = true needs model.topK = 1, got " + m.topK());
            }
            if (m.identityTarget() != 0) {
                problems.add("model.forcedRouting = true needs model.identityTarget = 0, got " + m.identityTarget());
            }
        }
        steps(m);
        if (m.task() == Task.VISION) {
            vision(m.vision());
            if (m.tiedEmbeddings()) {
                problems.add("model.tiedEmbeddings = true is only for language (a vision head has no token embedding"
                        + " to share)");
            }
        }
    }

    // The fields of the special cases and Radial Networks: per-step module sets, step attention, MLP routers, exits.
    private void steps(ModelConfig m) {
        int e = m.poolSize();
        inRange("model.poolMlpHidden", m.poolMlpHidden(), 0, 1 << 20, "MLP hidden width of pool modules; 0 = mlpHidden");
        inRange("model.routerHidden", m.routerHidden(), 0, 1 << 16, "hidden width of an MLP router; 0 = linear router");
        atLeast("model.identityBiasRamp", m.identityBiasRamp(), 0, "initial identity bias at the last step; 0 = none");
        StepModules sm = m.stepModules();
        if (!sm.isAll()) {
            if (m.forcedRouting()) {
                problems.add("model.stepModules = '" + sm + "' and model.forcedRouting = true both fix the routes;"
                        + " set one (forcedRouting is stepModules = '0;1;...;S-1')");
            }
            if (sm.size() != m.routedSteps()) {
                problems.add("model.stepModules = '" + sm + "' lists " + sm.size() + " steps; model.routedSteps = "
                        + m.routedSteps() + " needs one entry per step");
                return;
            }
            for (int s = 0; s < sm.size(); s++) {
                int[] allowed = sm.allowed(s, e);
                java.util.Set<Integer> seen = new java.util.HashSet<>();
                for (int i : allowed) {
                    if (i < 0 || i >= e) {
                        problems.add("model.stepModules step " + s + " names module " + i + ", outside [0, E = " + e
                                + ") of model.pool = " + m.pool());
                    } else if (!seen.add(i)) {
                        problems.add("model.stepModules step " + s + " names module " + i + " twice");
                    }
                }
                if (allowed.length > 1 && m.topK() > allowed.length) {
                    problems.add("model.topK = " + m.topK() + " is more than the " + allowed.length
                            + " modules step " + s + " may choose (model.stepModules = '" + sm + "')");
                }
            }
        }
        boolean identityReachable = false;
        for (int s = 0; s < m.routedSteps() && e >= 1 && problems.isEmpty(); s++) {
            for (int i : m.allowedModules(s)) {
                identityReachable |= m.allowedModules(s).length > 1 && m.pool().kind(i).isIdentity();
            }
        }
        if (e >= 1 && problems.isEmpty()) {
            if (m.exitSticky() && !identityReachable) {
                problems.add("model.exitSticky = true needs an identity module (the exit) that a routed step may choose;"
                        + " model.pool = " + m.pool());
            }
            if (m.identityBiasRamp() > 0 && !identityReachable) {
                problems.add("model.identityBiasRamp = " + m.identityBiasRamp() + " needs an identity module that a"
                        + " routed step may choose; model.pool = " + m.pool());
            }
        }
    }

    private void vision(VisionConfig v) {
        inRange("model.vision.imageSize", v.imageSize(), 1, 4096, "image side in pixels");
        inRange("model.vision.channels", v.channels(), 1, 4, "colour channels");
        inRange("model.vision.patchSize", v.patchSize(), 1, Math.max(1, v.imageSize()), "patch side, at most the image side");
        if (v.patchSize() >= 1 && v.imageSize() % v.patchSize() != 0) {
            problems.add("model.vision.patchSize = " + v.patchSize() + " must divide model.vision.imageSize = "
                    + v.imageSize());
        }
        inRange("model.vision.classes", v.classes(), 2, 100_000, "labels of the classifier");
        checkPresent("model.vision.pooling", v.pooling());
    }

    private void train(TrainConfig t) {
        inRange("train.steps", t.steps(), 1, Integer.MAX_VALUE, "optimizer steps");
        inRange("train.batchSize", t.batchSize(), 1, 1 << 20, "sequences per step B");
        inRange("train.lr", t.lr(), 1e-9, 10, "peak learning rate");
        if (t.lr() > 0) {
            inRange("train.minLr", t.minLr(), 0, t.lr(), "final learning rate, at most train.lr");
        }
        inRange("train.warmupSteps", t.warmupSteps(), 0, Integer.MAX_VALUE,
                "linear warmup steps; longer than the run means the peak is never reached");
        inRange("train.weightDecay", t.weightDecay(), 0, 10, "AdamW weight decay");
        inRangeOpen("train.beta1", t.beta1(), "AdamW first-moment decay");
        inRangeOpen("train.beta2", t.beta2(), "AdamW second-moment decay");
        inRange("train.adamEps", t.adamEps(), 1e-30, 1, "AdamW epsilon");
        atLeast("train.gradClip", t.gradClip(), 0, "gradient-norm clip; 0 = off");
        inRange("train.evalEvery", t.evalEvery(), 0, Integer.MAX_VALUE, "steps between evaluations; 0 = only at the end");
        inRange("train.evalBatches", t.evalBatches(), 1, 1 << 20, "batches per evaluation");
        inRange("train.checkpointEvery", t.checkpointEvery(), 0, Integer.MAX_VALUE,
                "steps between checkpoints; 0 = only at the end");
        inRange("train.logEvery", t.logEvery(), 1, Integer.MAX_VALUE, "steps between progress lines");
        if (t.outDir() == null || t.outDir().isBlank()) {
            problems.add("train.outDir = '" + t.outDir() + "' must name a folder");
        }
        if (t.backend() == null || !BACKENDS.contains(t.backend())) {
            problems.add("train.backend = '" + t.backend() + "' must be one of [auto, reference, simd, cuda]");
        }
        inRange("train.device", t.device(), 0, 64, "GPU index");
        inRange("train.threads", t.threads(), 0, 4096, "CPU threads; 0 = all cores");
    }

    private void data(DataConfig d, Task task) {
        Set<String> allowed = task == Task.VISION ? VISION_DATA : LANGUAGE_DATA;
        if (d.dataset() == null || !allowed.contains(d.dataset())) {
            problems.add("data.dataset = '" + d.dataset() + "' must be one of " + allowed.stream().sorted().toList()
                    + " for model.task = " + (task == null ? "null" : task.jsonName()));
        }
        if (d.cacheDir() == null) {
            problems.add("data.cacheDir = null must be a folder or \"\" (the default cache)");
        }
        inRange("data.valFraction", d.valFraction(), 0.01, 0.5, "fraction held out for validation");
        inRange("data.syntheticSize", d.syntheticSize(), 1, Integer.MAX_VALUE, "size of the synthetic fallback");
    }

    private void distil(DistilConfig d, ModelConfig m) {
        if (!d.active()) {
            return;
        }
        atLeast("distil.klWeight", d.klWeight(), 0, "weight of KL(teacher || student)");
        inRange("distil.temperature", d.temperature(), 0.05, 100, "softmax temperature of the KL term");
        atLeast("distil.pathBias", d.pathBias(), 0, "selection bias toward the teacher's next layer");
        if (m.task() != Task.LANGUAGE) {
            problems.add("distil.teacher = '" + d.teacher() + "': distillation is for language models");
        }
    }

    // ------------------------------------------------------------------ checks

    private void checkPresent(String field, Object value) {
        if (value == null) {
            problems.add(field + " is missing");
        }
    }

    private void inRange(String field, long value, long lo, long hi, String why) {
        if (value < lo || value > hi) {
            problems.add(field + " = " + value + " must be in [" + lo + ", " + hi + "] (" + why + ")");
        }
    }

    private void inRange(String field, double value, double lo, double hi, String why) {
        if (!(value >= lo && value <= hi)) {
            problems.add(field + " = " + value + " must be in [" + lo + ", " + hi + "] (" + why + ")");
        }
    }

    private void inRangeOpen(String field, double value, String why) {
        if (!(value >= 0 && value < 1)) {
            problems.add(field + " = " + value + " must be in [0, 1) (" + why + ")");
        }
    }

    private void atLeast(String field, double value, double lo, String why) {
        if (!(value >= lo) || Double.isInfinite(value)) {
            problems.add(field + " = " + value + " must be a finite number >= " + lo + " (" + why + ")");
        }
    }
}
