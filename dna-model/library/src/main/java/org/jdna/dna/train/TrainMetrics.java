package org.jdna.dna.train;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jdna.dna.config.RunConfig;
import org.jdna.dna.config.Task;
import org.jdna.dna.io.MetricsLog;
import org.jdna.dna.model.ComputeAccount;
import org.jdna.engine.memory.MemoryStats;

/**
 * The records of metrics.jsonl, one JSON object per line with a "type":
 * <ul>
 *   <li>{@code start}: backend, data, parameters, active parameters and forward FLOPs per token at initialisation;</li>
 *   <li>{@code step} (every step): loss, auxLoss (runs with an auxiliary loss), lr, gradNorm, identityFraction (S),
 *       moduleUsage (S, E), tokensPerSecond, activeParamsPerToken, forwardFlopsPerToken, tokens seen, elapsed
 *       seconds, and the backend's memory pool after the step: memoryPeakBytes (most in use at once so far),
 *       memoryInUseBytes (parameters' gradients and anything else outside the step's scope) and
 *       memoryCachedBytes (held for reuse);</li>
 *   <li>{@code eval}: the fast held-out sample: valSampleLoss, valSampleAccuracy (and valSampleBitsPerByte for text);</li>
 *   <li>{@code checkpoint}, {@code diverged};</li>
 *   <li>{@code summary}: {@link RunSummary#toMap()}, with the whole held-out split's valLoss / valBitsPerByte
 *       (language) or testLoss / testAccuracy (vision).</li>
 * </ul>
 */
final class TrainMetrics {
    private final MetricsLog log;
    private final boolean language;
    /** The run adds an auxiliary loss (the Switch balancing loss, a distillation KL): every step logs it, 0 included. */
    private final boolean auxTerm;

    TrainMetrics(MetricsLog log, RunConfig config) {
        this.log = log;
        this.language = config.model().task() == Task.LANGUAGE;
        this.auxTerm = config.model().switchLossAlpha() > 0 || config.distil().active();
    }

    void start(long step, String backend, String data, ComputeAccount atInit, long tokensPerStep) {
        Map<String, Object> r = record("start", step);
        r.put("backend", backend);
        r.put("data", data);
        r.put("totalParams", atInit.totalParameters());
        r.put("activeParamsPerToken", atInit.activeParametersPerToken());
        r.put("forwardFlopsPerToken", atInit.forwardFlopsPerToken());
        r.put("tokensPerStep", tokensPerStep);
        log.log(r);
    }

    void step(StepResult s, ComputeAccount account, long tokensSeen, double elapsedSeconds, MemoryStats memory) {
        Map<String, Object> r = record("step", s.step());
        r.put("loss", s.loss());
        if (auxTerm || s.auxLoss() != 0) {
            r.put("auxLoss", s.auxLoss());
        }
        r.put("lr", s.lr());
        r.put("gradNorm", s.gradNorm());
        r.put("identityFraction", RecentSteps.identityFractions(s.trace()));
        r.put("moduleUsage", RecentSteps.moduleUsage(s.trace()));
        r.put("tokensPerSecond", s.tokensPerSecond());
        r.put("activeParamsPerToken", account.activeParametersPerToken());
        r.put("forwardFlopsPerToken", account.forwardFlopsPerToken());
        r.put("tokens", tokensSeen);
        r.put("elapsedSeconds", elapsedSeconds);
        r.put("memoryPeakBytes", memory.peakBytesInUse());
        r.put("memoryInUseBytes", memory.bytesInUse());
        r.put("memoryCachedBytes", memory.bytesCached());
        log.log(r);
    }

    void eval(long step, EvalResult e) {
        Map<String, Object> r = record("eval", step);
        r.put("valSampleLoss", e.loss());
        r.put("valSampleAccuracy", e.accuracy());
        if (language) {
            r.put("valSampleBitsPerByte", e.bitsPerByte());
        }
        log.log(r);
    }

    void checkpoint(long step, String dir) {
        Map<String, Object> r = record("checkpoint", step);
        r.put("dir", dir);
        log.log(r);
    }

    void diverged(TrainingDivergedException e) {
        Map<String, Object> r = record("diverged", e.step());
        r.put("message", e.getMessage());
        log.log(r);
    }

    void summary(RunSummary s) {
        log.log(s.toMap());
    }

    private static Map<String, Object> record(String type, long step) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("type", type);
        r.put("step", step);
        return r;
    }
}
