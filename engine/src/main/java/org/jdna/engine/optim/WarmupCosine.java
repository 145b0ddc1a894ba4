package org.jdna.engine.optim;

/**
 * Linear warmup then cosine decay to a floor (nanoGPT's schedule). For the 0-based step s:
 * <ul>
 *   <li>s &lt; warmupSteps: maxLr * (s + 1) / warmupSteps;</li>
 *   <li>warmupSteps &lt;= s &lt; totalSteps: minLr + (maxLr - minLr) * (1 + cos(pi * r)) / 2,
 *       r = (s - warmupSteps) / (totalSteps - warmupSteps);</li>
 *   <li>s &gt;= totalSteps: minLr.</li>
 * </ul>
 */
public record WarmupCosine(double maxLr, double minLr, long warmupSteps, long totalSteps) implements LrSchedule {
    public WarmupCosine {
        if (!(maxLr >= 0) || !(minLr >= 0) || minLr > maxLr) {
            throw new IllegalArgumentException("WarmupCosine: need 0 <= minLr <= maxLr, got minLr=" + minLr
                    + " maxLr=" + maxLr);
        }
        if (warmupSteps < 0 || totalSteps < warmupSteps) {
            throw new IllegalArgumentException("WarmupCosine: need 0 <= warmupSteps <= totalSteps, got warmup="
                    + warmupSteps + " total=" + totalSteps);
        }
    }

    @Override
    public double lr(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("WarmupCosine: step must be >= 0, got " + step);
        }
        if (step < warmupSteps) {
            return maxLr * (step + 1) / warmupSteps;
        }
        if (step >= totalSteps) {
            return minLr;
        }
        double ratio = (double) (step - warmupSteps) / (totalSteps - warmupSteps);
        return minLr + (maxLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * ratio));
    }
}
