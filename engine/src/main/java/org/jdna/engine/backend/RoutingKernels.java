package org.jdna.engine.backend;

/**
 * The router's primitives (DNA / MoE / MoD): top-k selection and the weighted combine, forward and
 * backward. The dispatch between them moves rows and is {@link IndexingKernels#dispatch}.
 * Conventions: {@link Backend}'s.
 *
 * <p>Legend: rows (tokens), E experts/modules, K top-k; a slotRows entry is the dispatch row of
 * (token, slot), -1 for none.
 */
public interface RoutingKernels {

    /**
     * Router top-k: probs (rows, E) = softmax(logits); picks, per row, the K largest of
     * (probs + bias) (bias (E), null = none; used only for choosing), ties by lower index, in
     * descending order of the biased score. Writes indices (rows*K) and weights (rows, K) = probs of
     * the chosen, renormalised over the chosen when {@code renormalize}. A NaN in a row is an
     * ArithmeticException naming "topk", the row and the value.
     */
    void topk(int[] indices, Storage weights, Storage probs, Storage logits, float[] bias,
              int rows, int experts, int k, boolean renormalize);

    /**
     * Backward of {@link #topk} through the weights only (no gradient through the hard choice):
     * writes dlogits (rows, E) from dweights (rows, K).
     */
    void topkBackward(Storage dlogits, Storage dweights, Storage probs, int[] indices,
                      int rows, int experts, int k, boolean renormalize);

    /**
     * Weighted combine, the inverse of dispatch: out[t, :] = sum_j weights[t*K + j] * y[slotRows[t*K + j], :]
     * for t in [0, tokens); y is (rows of the dispatch buffer, width). A slotRows entry of -1 means
     * "no module output" (identity / dropped) and contributes nothing. Deterministic by construction
     * (each token sums its own K rows in order j = 0..K-1).
     */
    void combine(Storage out, Storage y, Storage weights, int[] slotRows, int tokens, int k, int width);

    /**
     * Backward of {@link #combine}: dy[slotRows[t,j], :] = weights[t,j] * dout[t, :] (rows of dy not
     * named by any slot are left as they are) and dweights[t, j] = dot(dout[t, :], y[slotRows[t,j], :])
     * (0 for a -1 slot).
     */
    void combineBackward(Storage dy, Storage dweights, Storage dout, Storage y, Storage weights,
                         int[] slotRows, int tokens, int k, int width);
}
