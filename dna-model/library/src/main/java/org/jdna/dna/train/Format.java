package org.jdna.dna.train;

import java.util.Locale;

import org.jdna.dna.config.ModelConfig;
import org.jdna.dna.config.Task;

/** Numbers and configurations as people read them in the console. */
public final class Format {
    private Format() {}

    /** 1,234,567. */
    public static String count(double n) {
        return String.format(Locale.ROOT, "%,.0f", n);
    }

    /** 2.35M, 812k, 4.56G: three significant digits with an SI suffix. */
    public static String si(double n) {
        double a = Math.abs(n);
        String[] suffix = {"", "k", "M", "G", "T", "P"};
        int i = 0;
        while (a >= 999.5 && i < suffix.length - 1) {
            a /= 1000;
            n /= 1000;
            i++;
        }
        String digits = a >= 99.95 ? "%.0f" : a >= 9.995 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, digits, n) + suffix[i];
    }

    /** 45s, 3m12s, 1h04m. */
    public static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    /** Fractions as "0.30 0.29 0.31". */
    public static String fractions(double[] values) {
        StringBuilder sb = new StringBuilder();
        for (double v : values) {
            sb.append(sb.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.2f", v));
        }
        return sb.toString();
    }

    /** One line naming the architecture: "language DNA: D=128, 4 heads, ...". */
    public static String model(ModelConfig m) {
        String kind = m.forcedRouting() ? "dense (forced routing)" : "DNA";
        String sizes = String.format(Locale.ROOT, "D=%d, %d heads, H=%d, N_b=%d, S=%d, E=%d (%s), K=%d, %s",
                m.width(), m.heads(), m.mlpHidden(), m.backboneBlocks(), m.routedSteps(), m.poolSize(),
                poolText(m), m.topK(), m.task() == Task.VISION
                        ? m.vision().patches() + " patches of " + m.vision().patchSize() + "x" + m.vision().patchSize()
                        : "T=" + m.context());
        String target = m.identityTarget() > 0 ? ", identity target r=" + m.identityTarget() : "";
        return m.task().jsonName() + " " + kind + ": " + sizes + target;
    }

    private static String poolText(ModelConfig m) {
        StringBuilder sb = new StringBuilder();
        var kinds = m.pool().kinds();
        for (int i = 0; i < kinds.size(); ) {
            int j = i;
            while (j < kinds.size() && kinds.get(j) == kinds.get(i)) {
                j++;
            }
            sb.append(sb.isEmpty() ? "" : ",").append(kinds.get(i).jsonName()).append(':').append(j - i);
            i = j;
        }
        return sb.toString();
    }
}
