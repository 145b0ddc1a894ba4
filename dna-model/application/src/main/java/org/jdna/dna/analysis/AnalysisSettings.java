package org.jdna.dna.analysis;

/**
 * Knobs of one analysis run (all saved in analysis.json).
 *
 * @param permutations    shuffles of each permutation test
 * @param seed            seed of the permutation tests
 * @param frequentPaths   most frequent paths listed
 * @param examplesPerPath example tokens per listed path
 * @param computeExamples units shown at each end of the compute ranking
 * @param topPerModule    labels listed per module
 */
public record AnalysisSettings(int permutations, long seed, int frequentPaths, int examplesPerPath,
                               int computeExamples, int topPerModule) {
    public static AnalysisSettings defaults() {
        return new AnalysisSettings(PermutationTest.DEFAULT_PERMUTATIONS, 20250627L, 12, 4, 8, 5);
    }

    public AnalysisSettings withPermutations(int p) {
        return new AnalysisSettings(p, seed, frequentPaths, examplesPerPath, computeExamples, topPerModule);
    }
}
