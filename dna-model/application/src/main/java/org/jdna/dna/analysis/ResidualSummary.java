package org.jdna.dna.analysis;

import java.util.Map;

import org.jdna.dna.radial.ResidualProfile;

/**
 * The residual-ratio profile |f(x)| / |x + f(x)| of the trained model as the report shows it (measured by
 * {@link org.jdna.dna.radial.ResidualProfiler}; {@code jdna profile} writes the same numbers on their own).
 *
 * @param evaluation    the batches profiled, in words
 * @param tokens        tokens (or patches) profiled
 * @param overallMedian median over every block visit
 * @param layers        per layer ({@code backbone i}, {@code step s}), in depth order
 * @param modules       per pool module (empty for a dense model, where a step is a module)
 */
public record ResidualSummary(String evaluation, long tokens, double overallMedian,
                              Map<String, ResidualProfile.Summary> layers, Map<String, ResidualProfile.Summary> modules) {
    public static ResidualSummary of(ResidualProfile profile, String evaluation, long tokens) {
        return new ResidualSummary(evaluation, tokens, profile.overallMedian(), profile.layerSummaries(),
                profile.moduleSummaries());
    }
}
