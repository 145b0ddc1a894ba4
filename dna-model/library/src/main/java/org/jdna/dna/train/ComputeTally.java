package org.jdna.dna.train;

import org.jdna.dna.model.ComputeAccount;

/** The run's average of the per-batch {@link ComputeAccount}s: active parameters and forward FLOPs per token. */
final class ComputeTally {
    private long totalParameters;
    private double activeSum;
    private double flopsSum;
    private long count;

    void add(ComputeAccount a) {
        add(a.totalParameters(), a.activeParametersPerToken(), a.forwardFlopsPerToken());
    }

    void add(long totalParameters, double activePerToken, double flopsPerToken) {
        this.totalParameters = totalParameters;
        activeSum += activePerToken;
        flopsSum += flopsPerToken;
        count++;
    }

    long batches() { return count; }

    /** The average over every batch added (every batch has the same token count, so this is per token too). */
    ComputeAccount average() {
        if (count == 0) {
            throw new IllegalStateException("ComputeTally: no batch was accounted");
        }
        return new ComputeAccount(totalParameters, activeSum / count, flopsSum / count);
    }
}
