package org.jdna.dna.train;

import java.nio.file.Files;
import java.nio.file.Path;

import org.jdna.dna.config.RunConfig;
import org.jdna.dna.io.Checkpoint;
import org.jdna.dna.io.CheckpointState;
import org.jdna.dna.io.CheckpointStore;
import org.jdna.dna.io.CorruptCheckpointException;
import org.jdna.dna.model.DnaModel;

/**
 * A model rebuilt from a checkpoint for evaluation, sampling or analysis: the checkpoint's own
 * configuration, its weights (names and shapes checked), in eval mode.
 *
 * @param model      the model, weights loaded, in eval mode
 * @param config     the configuration it was trained with
 * @param checkpoint the checkpoint folder it came from
 * @param state      the checkpoint's step, metrics and generator states
 */
public record TrainedModel(DnaModel model, RunConfig config, Path checkpoint, CheckpointState state) {

    /**
     * Loads {@code path}: a checkpoint folder (with manifest.json) or a run folder (its newest checkpoint).
     * A missing, truncated or altered checkpoint is a {@link CorruptCheckpointException} naming the file.
     *
     * @param backend auto, reference, simd or cuda
     */
    public static TrainedModel load(Path path, String backend, int threads) {
        Path dir = resolve(path);
        Checkpoint.Loaded loaded = Checkpoint.load(dir);
        RunConfig config = loaded.state().config();
        BackendSetup.select(backend, threads, config.train().device());
        DnaModel model = new DnaModel(config.model(), config.train().seed());
        TrainingCheckpoints.loadWeights(loaded, model);
        model.eval();
        return new TrainedModel(model, config, dir, loaded.state());
    }

    /** The checkpoint folder a user means by {@code path}. */
    public static Path resolve(Path path) {
        if (Files.exists(path.resolve(Checkpoint.MANIFEST))) {
            return path;
        }
        if (Files.isDirectory(path.resolve("checkpoints"))) {
            return new CheckpointStore(path, RunDirectory.KEEP_CHECKPOINTS).latest().orElseThrow(() ->
                    new CorruptCheckpointException("run folder " + path + " has no complete checkpoint in "
                            + path.resolve("checkpoints")));
        }
        if (!Files.exists(path)) {
            throw new CorruptCheckpointException(path + " does not exist (give a checkpoint folder such as"
                    + " runs/dna-top2/checkpoints/step-00000600, or a run folder such as runs/dna-top2)");
        }
        // A folder with some of a checkpoint's files but no manifest: let Checkpoint.load name what is missing.
        return path;
    }
}
