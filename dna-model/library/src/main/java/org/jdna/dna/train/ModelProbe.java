package org.jdna.dna.train;

import org.jdna.dna.config.RunConfig;
import org.jdna.dna.config.Task;
import org.jdna.dna.model.ComputeAccount;
import org.jdna.dna.model.DnaModel;
import org.jdna.dna.model.ModelOutput;
import org.jdna.engine.autograd.GradMode;
import org.jdna.engine.tensor.Rng;

/** Builds a configuration's model and measures it on one seeded random sequence (or image), without any data set. */
public final class ModelProbe {
    private ModelProbe() {}

    /** Parameters, active parameters and forward FLOPs per token of the freshly initialised model, on the current backend. */
    public static ComputeAccount account(RunConfig config) {
        DnaModel model = new DnaModel(config.model(), config.train().seed());
        model.eval();
        Rng rng = new Rng(config.train().seed()).fork("probe");
        try (var noGrad = GradMode.disabled()) {
            ModelOutput out;
            if (config.model().task() == Task.VISION) {
                var v = config.model().vision();
                float[] pixels = new float[v.imageSize() * v.imageSize() * v.channels()];
                for (int i = 0; i < pixels.length; i++) {
                    pixels[i] = (float) rng.nextDouble();
                }
                out = model.forwardImages(pixels, 1);
            } else {
                int[] tokens = new int[config.model().context()];
                for (int i = 0; i < tokens.length; i++) {
                    tokens[i] = 32 + rng.nextInt(95); // printable ASCII
                }
                out = model.forwardTokens(tokens, 1);
            }
            return model.account(out.trace());
        }
    }

    /** Active parameters and FLOPs per token of {@code model} as it is, on the first held-out batch (eval mode, no gradient). */
    public static ComputeAccount account(DnaModel model, TaskData data) {
        boolean wasTraining = model.isTraining();
        model.eval();
        try (var noGrad = GradMode.disabled()) {
            return model.account(data.evalBatches().getFirst().forward(model).trace());
        } finally {
            model.train(wasTraining);
        }
    }
}
