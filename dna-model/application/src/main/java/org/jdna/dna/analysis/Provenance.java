package org.jdna.dna.analysis;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where the analysed model came from, for the report's header and analysis.json.
 *
 * @param checkpoint        checkpoint folder (or a name for models built in memory)
 * @param step              optimizer steps of the checkpoint
 * @param control           how the random-init control was made
 * @param config            the run configuration, as JSON
 * @param checkpointMetrics summary numbers saved with the checkpoint
 * @param training          the run's metrics.jsonl, if found
 */
public record Provenance(String checkpoint, long step, String control, JsonNode config,
                         Map<String, Double> checkpointMetrics, TrainingMetrics training) {
    public Provenance {
        checkpointMetrics = Map.copyOf(checkpointMetrics);
    }
}
