package org.jdna.dna.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a {@link RunConfig}: first that nothing is missing, then each field against its own range
 * (declared with the field, see {@link ConfigField}), then the rules that tie fields together, written
 * out below. Each problem names the field, its value and what is allowed, e.g.
 * {@code model.topK = 3 must be in [1, 2] (...)}; all problems are reported at once.
 */
public final class ConfigValidator {
    private static final Set<String> LANGUAGE_DATA = Set.of(DataConfig.BROWN, DataConfig.SYNTHETIC_TEXT);
    private static final Set<String> VISION_DATA = Set.of(DataConfig.FASHION_MNIST, DataConfig.SYNTHETIC_IMAGES);

    private final List<String> problems = new ArrayList<>();

    private ConfigValidator() {}

    /** Throws a {@link ConfigException} listing every problem; returns the config when there is none. */
    public static RunConfig validate(RunConfig config) {
        ConfigValidator v = new ConfigValidator();
        RunConfig.FIELDS.missing(config, "", v.problems);
        if (v.problems.isEmpty()) {
            RunConfig.FIELDS.check(config, "", v.problems);
            v.model(config.model());
            v.data(config.data(), config.model().task());
            v.distil(config.distil(), config.model());
            v.train(config.train());
        }
        if (!v.problems.isEmpty()) {
            throw new ConfigException(v.problems);
        }
        return config;
    }

    private void train(TrainConfig t) {
        if (t.microBatches() >= 1 && t.batchSize() % t.microBatches() != 0) {
            problems.add("train.microBatches = " + t.microBatches() + " must divide train.batchSize = "
                    + t.batchSize() + " (each shard has batchSize / microBatches rows)");
        }
    }

    private void model(ModelConfig m) {
        if (m.heads() >= 1 && m.width() >= 1 && m.width() % m.heads() != 0) {
            problems.add("model.heads = " + m.heads() + " must divide model.width = " + m.width());
        }
        int e = m.poolSize();
        if (e < 1 || e > ModulePool.MAX_SIZE) {
            problems.add("model.pool size = " + e + " must be in [1, " + ModulePool.MAX_SIZE + "] (modules E in the pool)");
        }
        if (m.identityTarget() > 0 && e >= 1 && m.pool().identityCount() == 0) {
            problems.add("model.identityTarget = " + m.identityTarget() + " needs at least one identity module in"
                    + " model.pool = " + m.pool() + " (add e.g. identity:" + m.topK() + ", or set the target to 0)");
        }
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
            VisionConfig v = m.vision();
            if (v.patchSize() >= 1 && v.imageSize() % v.patchSize() != 0) {
                problems.add("model.vision.patchSize = " + v.patchSize() + " must divide model.vision.imageSize = "
                        + v.imageSize());
            }
            if (m.tiedEmbeddings()) {
                problems.add("model.tiedEmbeddings = true is only for language (a vision head has no token embedding"
                        + " to share)");
            }
            if (m.positions() == Positions.ROPE) {
                problems.add("model.positions = rope is only for language (vision's patches carry learned positions)");
            }
        }
    }

    // The special cases and Radial Networks: per-step module sets, MLP routers, exits.
    private void steps(ModelConfig m) {
        int e = m.poolSize();
        StepModules sm = m.stepModules();
        boolean routesValid = e >= 1;
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
                Set<Integer> seen = new HashSet<>();
                for (int i : allowed) {
                    if (i < 0 || i >= e) {
                        problems.add("model.stepModules step " + s + " names module " + i + ", outside [0, E = " + e
                                + ") of model.pool = " + m.pool());
                        routesValid = false;
                    } else if (!seen.add(i)) {
                        problems.add("model.stepModules step " + s + " names module " + i + " twice");
                        routesValid = false;
                    }
                }
                if (allowed.length > 1 && m.topK() > allowed.length) {
                    problems.add("model.topK = " + m.topK() + " is more than the " + allowed.length
                            + " modules step " + s + " may choose (model.stepModules = '" + sm + "')");
                }
            }
        }
        // An S outside its range is already reported; walking its steps would cost time and memory in
        // proportion to whatever number a file holds.
        boolean stepsInRange = ModelConfig.ROUTED_STEPS.problem("", m, m.routedSteps()) == null;
        if (!routesValid || !stepsInRange || m.forcedRouting() && e != m.routedSteps()) {
            return;
        }
        boolean identityReachable = false;
        for (int s = 0; s < m.routedSteps(); s++) {
            int[] allowed = m.allowedModules(s);
            for (int i : allowed) {
                identityReachable |= allowed.length > 1 && m.pool().kind(i).isIdentity();
            }
        }
        if (m.exitSticky() && !identityReachable) {
            problems.add("model.exitSticky = true needs an identity module (the exit) that a routed step may choose;"
                    + " model.pool = " + m.pool());
        }
        if (m.identityBiasRamp() > 0 && !identityReachable) {
            problems.add("model.identityBiasRamp = " + m.identityBiasRamp() + " needs an identity module that a"
                    + " routed step may choose; model.pool = " + m.pool());
        }
    }

    private void data(DataConfig d, Task task) {
        Set<String> allowed = task == Task.VISION ? VISION_DATA : LANGUAGE_DATA;
        if (d.dataset() == null || !allowed.contains(d.dataset())) {
            problems.add("data.dataset = '" + d.dataset() + "' must be one of " + allowed.stream().sorted().toList()
                    + " for model.task = " + (task == null ? "null" : task.jsonName()));
        }
    }

    private void distil(DistilConfig d, ModelConfig m) {
        if (d.active() && m.task() != Task.LANGUAGE) {
            problems.add("distil.teacher = '" + d.teacher() + "': distillation is for language models");
        }
    }
}
