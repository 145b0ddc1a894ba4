package org.jdna.dna.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jdna.dna.config.RunConfig;
import org.jdna.dna.io.ArchitectureCheck;
import org.jdna.dna.io.Checkpoint;
import org.jdna.dna.io.CheckpointState;
import org.jdna.dna.io.CheckpointStore;
import org.jdna.dna.io.CorruptCheckpointException;
import org.jdna.dna.io.TensorData;
import org.jdna.dna.model.DnaModel;
import org.jdna.engine.backend.Backend;
import org.jdna.engine.nn.Dropout;
import org.jdna.engine.nn.Module;
import org.jdna.engine.optim.Optimizer;
import org.jdna.engine.optim.OptimizerState;
import org.jdna.engine.tensor.Tensor;

/**
 * Everything a bit-identical resume needs, to and from a checkpoint: the state dict (weights and the
 * controller's identity biases), AdamW's moments and per-parameter step counts, the step, the
 * configuration, the training batcher's generator, the router-noise generator and the generator of
 * every dropout layer.
 */
final class TrainingCheckpoints {
    /** rngStates key prefix of a dropout layer's generator, followed by the layer's dotted name. */
    static final String DROPOUT_PREFIX = "dropout:";
    /** rngStates key of the model's Gumbel router-noise generator. */
    static final String ROUTER_NOISE = "routerNoise";

    private TrainingCheckpoints() {}

    static Path save(CheckpointStore store, long step, RunConfig config, DnaModel model, Optimizer optimizer,
                     TaskData data, Map<String, Double> metrics) {
        Map<String, long[]> rng = new LinkedHashMap<>();
        rng.put(ROUTER_NOISE, model.routerNoiseState());
        dropouts(model).forEach((name, d) -> rng.put(DROPOUT_PREFIX + name, d.rng().state()));
        Map<String, String> extra = Map.of("backend", model.parameters().getFirst().backend().name(),
                "producer", "jdna 0.1.0-SNAPSHOT");
        CheckpointState state = new CheckpointState(step, config, rng, data.state(), metrics, extra);
        return store.save(model.stateDict(), optimizer.stateDict().tensors(), state);
    }

    /** Puts a loaded checkpoint into a freshly built model, its optimizer and data; returns the step it was taken at. */
    static long restore(Checkpoint.Loaded loaded, DnaModel model, Optimizer optimizer, TaskData data) {
        loadWeights(loaded, model);
        Backend backend = model.parameters().getFirst().backend();
        CheckpointState state = loaded.state();
        try {
            optimizer.loadStateDict(new OptimizerState(state.step(), loaded.optimizerTensors(backend)));
        } catch (IllegalArgumentException e) {
            throw new CorruptCheckpointException("checkpoint " + loaded.dir() + ": its optimizer state does not fit"
                    + " this model: " + e.getMessage(), e);
        }
        try {
            data.restore(state.dataState());
        } catch (IllegalArgumentException e) {
            throw new CorruptCheckpointException("checkpoint " + loaded.dir() + ": bad data generator state: "
                    + e.getMessage(), e);
        }
        long[] noise = state.rngStates().get(ROUTER_NOISE);
        if (noise == null) {
            throw new CorruptCheckpointException("checkpoint " + loaded.dir() + " has no router-noise generator state");
        }
        model.restoreRouterNoiseState(noise);
        for (Map.Entry<String, Dropout> d : dropouts(model).entrySet()) {
            long[] saved = state.rngStates().get(DROPOUT_PREFIX + d.getKey());
            if (saved == null) {
                throw new CorruptCheckpointException("checkpoint " + loaded.dir() + " has no generator state for"
                        + " dropout layer '" + d.getKey() + "'");
            }
            d.getValue().rng().load(saved);
        }
        return state.step();
    }

    /**
     * Copies the checkpoint's state dict into {@code model}; names and shapes must match exactly and every
     * value must be finite (NaN weights would evaluate to a NaN loss and train to nothing).
     */
    static void loadWeights(Checkpoint.Loaded loaded, DnaModel model) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> shapes.put(k, v.shape()));
        ArchitectureCheck.tensors(loaded.dir().toString(), shapes, loaded.model());
        requireFinite(loaded);
        Map<String, Tensor> tensors = loaded.modelTensors(model.parameters().getFirst().backend());
        model.loadStateDict(tensors, true);
    }

    private static void requireFinite(Checkpoint.Loaded loaded) {
        long bad = 0;
        String first = null;
        for (Map.Entry<String, TensorData> e : loaded.model().entrySet()) {
            float[] v = e.getValue().values();
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    if (first == null) {
                        first = v[i] + " in '" + e.getKey() + "' at index " + i;
                    }
                    bad++;
                }
            }
        }
        if (bad > 0) {
            throw new CorruptCheckpointException("checkpoint " + loaded.dir() + ": its weights are not finite (" + bad
                    + " NaN or infinite values, the first " + first + "); it can be neither evaluated nor resumed");
        }
    }

    /** Every dropout layer of the model by dotted name (their generators belong in the checkpoint). */
    static Map<String, Dropout> dropouts(Module model) {
        Map<String, Dropout> out = new LinkedHashMap<>();
        model.namedModules().forEach((name, m) -> {
            if (m instanceof Dropout d) {
                out.put(name, d);
            }
        });
        return out;
    }
}
