package org.jdna.dna.model;

import org.jdna.dna.config.ModuleKind;

/**
 * Forward FLOPs of the pieces of a DNA, counted as 2 x multiply-adds of the matrix products and of
 * attention (the PaLM / Chinchilla convention). Norms, GELU, softmax, residual adds, gathers and
 * biases are left out: they are O(rows * D), below 1% at the model's widths.
 *
 * <p>Legend: r rows processed, D width, H MLP hidden width, L segment length.
 */
public final class FlopCounter {
    private FlopCounter() {
    }

    /** A linear map in -> out applied to {@code rows} rows: 2 * rows * in * out. */
    public static double linear(long rows, int in, int out) {
        return 2.0 * rows * in * out;
    }

    /**
     * Scores q.k and the weighted sum of values, over every head, for the pairs (query, key) that
     * actually attend: per segment of length L, L(L+1)/2 pairs when causal, L^2 otherwise; each pair
     * costs 2 * D for the score and 2 * D for the value sum. {@code segments} are offsets from 0.
     */
    public static double attention(int[] segments, int width, boolean causal) {
        double pairs = 0;
        for (int s = 0; s + 1 < segments.length; s++) {
            double l = segments[s + 1] - segments[s];
            pairs += causal ? l * (l + 1) / 2 : l * l;
        }
        return 4.0 * width * pairs;
    }

    /**
     * One module of {@code kind} on {@code rows} rows split into attention {@code segments}:
     * attention half = qkv (D -> 3D) + attention + proj (D -> D); MLP half = fc (D -> H) + proj (H -> D).
     * An identity module costs nothing.
     */
    public static double module(ModuleKind kind, int rows, int[] segments, boolean causal, int width, int hidden) {
        double attentionHalf = linear(rows, width, 3 * width) + attention(segments, width, causal)
                + linear(rows, width, width);
        double mlpHalf = linear(rows, width, hidden) + linear(rows, hidden, width);
        return switch (kind) {
            case TRANSFORMER -> attentionHalf + mlpHalf;
            case ATTENTION -> attentionHalf;
            case MLP -> mlpHalf;
            case IDENTITY -> 0;
        };
    }
}
