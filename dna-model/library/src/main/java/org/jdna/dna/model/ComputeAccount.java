package org.jdna.dna.model;

/**
 * Size and cost of a model on one batch, so DNA and dense compare on the same scale.
 *
 * @param totalParameters        every trainable parameter
 * @param activeParametersPerToken parameters a token actually used, averaged over the batch (identity visits
 *                                 excluded; embeddings counted as GPT-2 papers do: the unembedding matrix only)
 * @param forwardFlopsPerToken   multiply-adds x 2 of what actually ran, averaged over the batch's tokens
 */
public record ComputeAccount(long totalParameters, double activeParametersPerToken, double forwardFlopsPerToken) {}
