package org.jdna.dna.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jdna.dna.config.RunConfig;
import org.jdna.dna.config.Task;
import org.jdna.dna.model.ComputeAccount;
import org.jdna.engine.memory.MemoryStats;

/**
 * The outcome of one training run.
 *
 * @param name             the run's label (its folder name, e.g. "dna-top2")
 * @param config           the configuration it ran with
 * @param runDir           its folder
 * @param checkpoint       the final checkpoint's folder
 * @param steps            optimizer steps completed
 * @param tokens           tokens trained on over the whole run (steps x B x T)
 * @param trainSeconds     wall time of the training steps of this session (evaluations and checkpoints excluded)
 * @param wallSeconds      wall time of this session, everything included
 * @param tokensPerSecond  training throughput of this session (forward, backward and AdamW)
 * @param finalEval        held-out loss and accuracy at the end
 * @param trainLoss        mean training loss over the last steps
 * @param compute          parameters, active parameters and forward FLOPs per token, averaged over the run
 * @param identityPerStep  identity fraction of each routed step over the last steps (empty for a dense model)
 * @param memory           the backend's memory pool at the end: peak bytes in use, bytes cached
 */
public record RunSummary(String name, RunConfig config, Path runDir, Path checkpoint, long steps, long tokens,
                         double trainSeconds, double wallSeconds, double tokensPerSecond, EvalResult finalEval,
                         double trainLoss, ComputeAccount compute, double[] identityPerStep, MemoryStats memory) {

    /** The identity target r of the run (0 when none). */
    public double identityTarget() {
        return config.model().identityTarget();
    }

    /** True when the per-step target ramps with depth (sticky exits: Radial, early exit). */
    public boolean identityTargetRamped() {
        return config.model().exitSticky() && identityTarget() > 0;
    }

    /**
     * Largest distance of a routed step's identity fraction from that step's target (r, or its ramp with sticky
     * exits), in fraction units; NaN when there is no target.
     */
    public double identityDeviation() {
        if (identityTarget() <= 0 || identityPerStep.length == 0) {
            return Double.NaN;
        }
        double worst = 0;
        for (int s = 0; s < identityPerStep.length; s++) {
            worst = Math.max(worst, Math.abs(identityPerStep[s] - config.model().identityTargetOfStep(s)));
        }
        return worst;
    }

    /** The numbers as a JSON-ready map (summary.json and the metrics log's summary record). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "summary");
        m.put("name", name);
        m.put("step", steps);
        m.put("tokens", tokens);
        m.put("valLoss", finalEval.loss());
        m.put("valAccuracy", finalEval.accuracy());
        if (config.model().task() == Task.LANGUAGE) {
            m.put("valBitsPerByte", finalEval.bitsPerByte());
        }
        m.put("trainLoss", trainLoss);
        m.put("totalParams", compute.totalParameters());
        m.put("activeParamsPerToken", compute.activeParametersPerToken());
        m.put("forwardFlopsPerToken", compute.forwardFlopsPerToken());
        m.put("tokensPerSecond", tokensPerSecond);
        m.put("trainSeconds", trainSeconds);
        m.put("wallSeconds", wallSeconds);
        m.put("identityFraction", identityPerStep);
        m.put("identityTarget", identityTarget());
        m.put("memoryPeakBytes", memory.peakBytesInUse());
        m.put("memoryCachedBytes", memory.bytesCached());
        m.put("checkpoint", checkpoint.toString());
        return m;
    }
}
