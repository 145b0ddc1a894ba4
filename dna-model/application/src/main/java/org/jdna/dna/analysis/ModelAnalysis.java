package org.jdna.dna.analysis;

import java.util.List;

/**
 * Everything measured on one model's routes over the evaluation set.
 *
 * @param name           "trained" or "random init"
 * @param tokens         N, tokens (or patches) routed
 * @param steps          S
 * @param topK           K
 * @param pool           the pool, e.g. "transformer:8,identity:2"
 * @param kinds          kind of each module, index = module
 * @param paths          paths, rank-frequency and power-law fits
 * @param specialization mutual information with the labels, module profiles
 * @param compute        compute allocation
 * @param flow           usage per step and transitions
 */
public record ModelAnalysis(String name, int tokens, int steps, int topK, String pool, List<String> kinds,
                            PathAnalysis paths,
                            Specialization specialization, ComputeAllocation compute, Flow flow) {

    public static ModelAnalysis of(String name, RouteLog log, EvaluationInputs inputs, AnalysisSettings settings) {
        if (log.tokens() != inputs.tokens()) {
            throw new IllegalArgumentException("ModelAnalysis: the routes cover " + log.tokens() + " tokens, the"
                    + " evaluation set has " + inputs.tokens());
        }
        List<Labeling> labelings = inputs.labelings();
        Labeling primary = labelings.isEmpty() ? null : labelings.getFirst();
        PathCounts counts = PathCounts.of(log);
        PathAnalysis paths = PathAnalysis.of(counts, primary, inputs::tokenContext, settings.frequentPaths(),
                settings.examplesPerPath());
        Specialization spec = Specialization.measure(log, counts, labelings, settings.permutations(), settings.seed(),
                settings.topPerModule());
        ComputeAllocation compute = ComputeAllocation.measure(log, inputs.unit(), inputs.unitSize(), primary,
                inputs::unitContext, settings.computeExamples());
        return new ModelAnalysis(name, log.tokens(), log.steps(), log.topK(), log.pool().toString(),
                log.pool().kinds().stream().map(k -> k.jsonName()).toList(), paths, spec,
                compute, Flow.measure(log));
    }
}
