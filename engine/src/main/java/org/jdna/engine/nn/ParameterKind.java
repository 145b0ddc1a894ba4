package org.jdna.engine.nn;

/**
 * What a parameter is for. Optimizers use it to choose weight decay (GPT-2 practice: decay the
 * matrices of linear maps, not biases, norm gains or embedding tables).
 */
public enum ParameterKind {
    /** A linear map's matrix (or any other weight that should be decayed). */
    WEIGHT,
    /** An additive bias. */
    BIAS,
    /** A normalization layer's gain or shift. */
    NORM,
    /** A lookup table (token or position embeddings). */
    EMBEDDING;

    /** The default decay rule: only {@link #WEIGHT} parameters get weight decay. */
    public boolean decays() {
        return this == WEIGHT;
    }
}
