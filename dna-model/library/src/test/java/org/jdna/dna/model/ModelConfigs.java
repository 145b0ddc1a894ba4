package org.jdna.dna.model;

import org.jdna.dna.config.ModelConfig;
import org.jdna.dna.config.ModulePool;
import org.jdna.dna.config.Pooling;
import org.jdna.dna.config.Positions;
import org.jdna.dna.config.RouterInput;
import org.jdna.dna.config.RouterNoise;
import org.jdna.dna.config.Task;
import org.jdna.dna.config.VisionConfig;

/** A small mutable builder of model configs for tests (small sizes so the reference backend is fast). */
final class ModelConfigs {
    Task task = Task.LANGUAGE;
    int vocab = 32;
    int context = 8;
    int width = 16;
    int heads = 2;
    int hidden = 64;
    int backbone = 1;
    int steps = 3;
    ModulePool pool = ModulePool.parse("transformer:3");
    int topK = 1;
    RouterInput routerInput = RouterInput.LAYERNORM;
    double routerInitStd = 0.02;
    boolean renormalize;
    RouterNoise noise = RouterNoise.NONE;
    double noiseScale = 1.0;
    double identityTarget;
    double controllerSpeed = 1e-3;
    double switchLossAlpha;
    boolean tied;
    boolean forced;
    double dropout;
    VisionConfig vision = new VisionConfig(8, 1, 4, 3, Pooling.CLS);

    static ModelConfigs language() {
        return new ModelConfigs();
    }

    ModelConfigs pool(String p) {
        pool = ModulePool.parse(p);
        return this;
    }

    ModelConfig build() {
        return new ModelConfig(task, vocab, context, width, heads, hidden, backbone, steps, pool, topK, routerInput,
                routerInitStd, renormalize, noise, noiseScale, identityTarget, controllerSpeed, switchLossAlpha, tied,
                forced, Positions.LEARNED, dropout, 1e-5, vision);
    }
}
