package org.jdna.dna.model;

import org.jdna.dna.config.ModelConfig;
import org.jdna.engine.nn.Module;

/**
 * The DNA proto-architecture (dna-notes sections 1 and 3): input node, N_b dense backbone blocks,
 * S routed steps over a shared pool of E modules with one router per step, output node.
 *
 * <p>API contract shared by the trainer, the CLI and the analysis (the body arrives with the model work):
 * <ul>
 *   <li>{@code new DnaModel(ModelConfig config, long seed)}: same seed, same weights on every backend;</li>
 *   <li>{@link #forwardTokens}: tokens (B, T) as int[B*T] -> logits (B*T, V);</li>
 *   <li>{@link #forwardImages}: pixels (B, C*H*W) in [0, 1] -> logits (B, classes);</li>
 *   <li>{@link #afterOptimizerStep}: the identity-bias controller's update (no gradient), called once per step;</li>
 *   <li>{@link #account}: parameters, active parameters and forward FLOPs per token from what actually ran.</li>
 * </ul>
 * The controller's biases are a buffer of the state dict ({@code "identity_bias"}, shape (S, E)), so checkpoints
 * carry them.
 */
public final class DnaModel extends Module {
    private final ModelConfig config;

    public DnaModel(ModelConfig config, long seed) {
        this.config = config;
        throw new UnsupportedOperationException("DnaModel: not implemented yet");
    }

    public ModelConfig config() { return config; }

    /** tokens: (B, T) row-major byte ids -> logits (B*T, V) and the routing trace. */
    public ModelOutput forwardTokens(int[] tokens, int batch) {
        throw new UnsupportedOperationException("DnaModel.forwardTokens: not implemented yet");
    }

    /** pixels: (B, C*H*W) row-major in [0, 1] -> logits (B, classes) and the routing trace. */
    public ModelOutput forwardImages(float[] pixels, int batch) {
        throw new UnsupportedOperationException("DnaModel.forwardImages: not implemented yet");
    }

    /** Identity-bias controller: b_i(s) += u * sign(r * N*K - identity routes of step s). No gradient. */
    public void afterOptimizerStep(RoutingTrace trace) {
        throw new UnsupportedOperationException("DnaModel.afterOptimizerStep: not implemented yet");
    }

    /** Size and cost of this model on the batch that produced {@code trace}. */
    public ComputeAccount account(RoutingTrace trace) {
        throw new UnsupportedOperationException("DnaModel.account: not implemented yet");
    }
}
