package org.jdna.dna.analysis;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Everything analysis.json holds: where the numbers came from and both models' analyses.
 *
 * @param task              "language" or "vision"
 * @param checkpoint        the checkpoint folder analysed (or "synthetic" in tests)
 * @param checkpointStep    optimizer steps of the checkpoint
 * @param evaluation        the evaluation set, in words
 * @param control           how the control was made ("same architecture, random init, seed 1234")
 * @param settings          the analysis knobs
 * @param config            the run configuration saved with the checkpoint
 * @param checkpointMetrics the summary numbers saved in the checkpoint
 * @param training          metrics.jsonl found beside the checkpoint
 * @param trained           the trained model
 * @param randomInit        the control
 * @param residual          the trained model's residual-ratio profile, or null when not measured
 */
public record AnalysisReport(String task, String checkpoint, long checkpointStep, String evaluation, String control,
                             AnalysisSettings settings, JsonNode config, Map<String, Double> checkpointMetrics,
                             TrainingMetrics training, ModelAnalysis trained, ModelAnalysis randomInit,
                             ResidualSummary residual) {}
