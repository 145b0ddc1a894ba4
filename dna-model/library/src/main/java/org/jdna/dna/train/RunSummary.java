package org.jdna.dna.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

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
 * @param finalEval        the figure to publish: loss and accuracy over the whole held-out split at the end
 *                         (language: every validation byte once; vision: the whole test set)
 * @param sampleEval       the fast held-out sample at the last step (train.evalBatches batches; what the progress
 *                         lines show), or null when unknown (a summary written before it was recorded)
 * @param trainLoss        mean training loss over the last steps
 * @param compute          parameters, active parameters and forward FLOPs per token, averaged over the run
 * @param identityPerStep  identity fraction of each routed step over the last steps (empty for a dense model)
 * @param memory           the backend's memory pool at the end: peak bytes in use, bytes cached
 * @param sample           the short text a language run ends with and its word share, or null (vision)
 */
public record RunSummary(String name, RunConfig config, Path runDir, Path checkpoint, long steps, long tokens,
                         double trainSeconds, double wallSeconds, double tokensPerSecond, EvalResult finalEval,
                         EvalResult sampleEval, double trainLoss, ComputeAccount compute, double[] identityPerStep,
                         MemoryStats memory, TextSample sample) {

    /** This summary with the run's closing text sample. */
    public RunSummary withSample(TextSample s) {
        return new RunSummary(name, config, runDir, checkpoint, steps, tokens, trainSeconds, wallSeconds,
                tokensPerSecond, finalEval, sampleEval, trainLoss, compute, identityPerStep, memory, s);
    }

    /** True for a vision run, whose published figure is on the test split (language: validation). */
    public boolean vision() {
        return config.model().task() == Task.VISION;
    }

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
        String split = vision() ? "test" : "val";
        m.put(split + "Loss", finalEval.loss());
        if (!vision()) {
            m.put("valBitsPerByte", finalEval.bitsPerByte());
        }
        m.put(split + "Accuracy", finalEval.accuracy());
        m.put(split + "Targets", finalEval.targets());
        if (sampleEval != null) {
            m.put("valSampleLoss", sampleEval.loss());
            if (!vision()) {
                m.put("valSampleBitsPerByte", sampleEval.bitsPerByte());
            }
            m.put("valSampleAccuracy", sampleEval.accuracy());
            m.put("valSampleTargets", sampleEval.targets());
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
        if (sample != null) {
            m.put("sampleText", sample.prompt() + sample.text());
            m.put("sampleStreams", sample.streams().stream().map(t -> sample.prompt() + t).toList());
            m.put("wordShare", sample.words().words() == 0 ? null : sample.words().share());
            m.put("sampleWords", sample.words().words());
            m.put("sampleWordsFound", sample.words().found());
        }
        return m;
    }

    /**
     * The summary {@link #toMap} wrote (a finished run's summary.json), with the run's configuration and
     * folder; empty when a field it cannot do without (step, valLoss or testLoss, checkpoint) is missing.
     * The text sample is not read back (its word share and text stay in the file).
     */
    public static Optional<RunSummary> fromJson(JsonNode j, RunConfig config, Path runDir) {
        String split = config.model().task() == Task.VISION ? "test" : "val";
        if (!j.path("step").isNumber() || j.path(split + "Loss").isMissingNode() || !j.path("checkpoint").isTextual()) {
            return Optional.empty();
        }
        JsonNode fractions = j.path("identityFraction");
        double[] identity = new double[fractions.size()];
        for (int i = 0; i < identity.length; i++) {
            identity[i] = fractions.get(i).asDouble();
        }
        EvalResult eval = new EvalResult(j.path(split + "Loss").asDouble(), j.path(split + "Accuracy").asDouble(),
                j.path(split + "Targets").asLong());
        EvalResult sampled = j.path("valSampleLoss").isNumber() ? new EvalResult(j.path("valSampleLoss").asDouble(),
                j.path("valSampleAccuracy").asDouble(), j.path("valSampleTargets").asLong()) : null;
        ComputeAccount compute = new ComputeAccount(j.path("totalParams").asLong(),
                j.path("activeParamsPerToken").asDouble(), j.path("forwardFlopsPerToken").asDouble());
        return Optional.of(new RunSummary(j.path("name").asText(), config, runDir, Path.of(j.path("checkpoint").asText()),
                j.path("step").asLong(), j.path("tokens").asLong(), j.path("trainSeconds").asDouble(),
                j.path("wallSeconds").asDouble(), j.path("tokensPerSecond").asDouble(), eval, sampled,
                j.path("trainLoss").asDouble(), compute, identity, new MemoryStats(0, j.path("memoryCachedBytes").asLong(),
                        j.path("memoryPeakBytes").asLong(), 0, 0, 0), null));
    }
}
