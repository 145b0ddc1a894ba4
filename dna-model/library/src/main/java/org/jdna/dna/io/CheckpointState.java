package org.jdna.dna.io;

import java.util.Map;

import org.jdna.dna.config.RunConfig;

/**
 * Everything beside the tensors that a bit-identical resume needs; saved as state.json.
 *
 * @param step      optimizer steps completed
 * @param config    the run's configuration (architecture checked on load)
 * @param rngStates generator states by stream name ("init", "dropout", "noise"), each from {@code Rng.state()}
 * @param dataState the training batcher's generator state ({@code TokenBatcher.state()})
 * @param metrics   summary numbers at this step (train loss, val loss, tokens seen...)
 * @param extra     free-form strings (version, backend, notes)
 */
public record CheckpointState(long step, RunConfig config, Map<String, long[]> rngStates, long[] dataState,
                              Map<String, Double> metrics, Map<String, String> extra) {
    public CheckpointState {
        rngStates = Map.copyOf(rngStates);
        dataState = dataState.clone();
        metrics = Map.copyOf(metrics);
        extra = Map.copyOf(extra);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CheckpointState s) || step != s.step || !config.equals(s.config)
                || !java.util.Arrays.equals(dataState, s.dataState) || !metrics.equals(s.metrics)
                || !extra.equals(s.extra) || !rngStates.keySet().equals(s.rngStates.keySet())) {
            return false;
        }
        return rngStates.entrySet().stream().allMatch(e -> java.util.Arrays.equals(e.getValue(), s.rngStates.get(e.getKey())));
    }

    @Override
    public int hashCode() {
        return Long.hashCode(step) * 31 + config.hashCode();
    }
}
