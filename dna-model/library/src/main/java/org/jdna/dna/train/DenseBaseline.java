package org.jdna.dna.train;

import java.nio.file.Path;

import org.jdna.dna.config.ConfigValidator;
import org.jdna.dna.config.DistilConfig;
import org.jdna.dna.config.ModelConfig;
import org.jdna.dna.config.ModuleKind;
import org.jdna.dna.config.ModulePool;
import org.jdna.dna.config.Presets;
import org.jdna.dna.config.RunConfig;
import org.jdna.dna.config.StepModules;
import org.jdna.dna.config.Task;

/**
 * The dense baseline of a DNA run: the same widths, steps S, data, seed and training settings, with
 * E = S transformer modules and routing forced to module s at step s (K = 1, no identity target): a
 * plain transformer of N_b + S blocks (docs/method.md section 4), trained on the same token budget (no
 * distillation teacher).
 */
public final class DenseBaseline {
    private DenseBaseline() {}

    public static RunConfig of(RunConfig dna, Path outDir) {
        ModelConfig m = dna.model();
        // every routing extra (step module sets, MoE attention, fine-grained experts, MLP routers, exits) back to
        // its default: the baseline is the plain transformer
        ModelConfig dense = m.with(ModelConfig.POOL, ModulePool.of(ModuleKind.TRANSFORMER, m.routedSteps()))
                .with(ModelConfig.TOP_K, 1).with(ModelConfig.FORCED_ROUTING, true).with(ModelConfig.IDENTITY_TARGET, 0.0)
                .with(ModelConfig.SWITCH_LOSS_ALPHA, 0.0).with(ModelConfig.STEP_MODULES, StepModules.ALL)
                .with(ModelConfig.STEP_ATTENTION, false).with(ModelConfig.POOL_MLP_HIDDEN, 0)
                .with(ModelConfig.ROUTER_HIDDEN, 0).with(ModelConfig.EXIT_STICKY, false)
                .with(ModelConfig.STRAIGHT_THROUGH, false).with(ModelConfig.IDENTITY_BIAS_RAMP, 0.0);
        return ConfigValidator.validate(new RunConfig(dense, dna.train().withOutDir(outDir.toString()), dna.data(),
                DistilConfig.NONE));
    }

    /**
     * Where the baseline of {@code dna} goes: the dense preset's folder (runs/dense, runs/vision-dense)
     * when the DNA run uses its preset's default folder, else the DNA folder's name + "-dense" beside it.
     *
     * @param presetOutDir the default train.outDir of the preset the DNA run started from
     */
    public static Path folderFor(RunConfig dna, String presetOutDir) {
        Path out = Path.of(dna.train().outDir());
        if (out.normalize().equals(Path.of(presetOutDir).normalize())) {
            String preset = dna.model().task() == Task.VISION ? "vision-dense" : "dense";
            return Path.of(Presets.get(preset).train().outDir());
        }
        Path name = out.getFileName();
        String dense = (name == null ? "run" : name.toString()) + "-dense";
        return out.getParent() == null ? Path.of(dense) : out.getParent().resolve(dense);
    }
}
