package org.jdna.dna.analysis;

import java.util.Locale;

/** The report's opening paragraph: the headline comparisons with the control, in words. */
final class Verdict {
    private Verdict() {}

    static String of(AnalysisReport r) {
        ModelAnalysis t = r.trained();
        ModelAnalysis c = r.randomInit();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Paths: the trained model uses %d distinct paths over %d tokens"
                        + " (random init: %d); rank-frequency exponent %.2f by least squares and %.2f by maximum"
                        + " likelihood (random init: %.2f and %.2f). ", t.paths().distinct(), t.tokens(),
                c.paths().distinct(), t.paths().leastSquares().exponent(), t.paths().maximumLikelihood().exponent(),
                c.paths().leastSquares().exponent(), c.paths().maximumLikelihood().exponent()));
        if (!t.specialization().perPath().isEmpty()) {
            String label = t.specialization().perPath().getFirst().label();
            Specialization.Measurement tb = HtmlReport.best(t, label);
            Specialization.Measurement cb = HtmlReport.best(c, label);
            if (tb != null && cb != null) {
                sb.append(String.format(Locale.ROOT, "Specialization: the module choice carries up to %.3f bits about"
                                + " the %s (step %d, %.0f%% of its %.2f-bit entropy, p = %s) against %.3f bits at random"
                                + " init (step %d, p = %s)", tb.mi().bits(), label, tb.step() + 1,
                        100 * tb.mi().fractionOfY(), tb.mi().entropyYBits(), p(tb.test().pValue()), cb.mi().bits(),
                        cb.step() + 1, p(cb.test().pValue())));
                double ratio = cb.mi().bits() > 0 ? tb.mi().bits() / cb.mi().bits() : Double.POSITIVE_INFINITY;
                sb.append(Double.isInfinite(ratio) ? ". " : String.format(Locale.ROOT, ", %.1f times as much. ", ratio));
            }
        }
        sb.append(String.format(Locale.ROOT, "Compute: %.2f of %d possible non-identity visits per token on average"
                        + " (random init: %.2f); identity takes %.0f%% of routes (random init: %.0f%%).",
                t.compute().meanPerToken(), t.compute().maxPerToken(), c.compute().meanPerToken(),
                100 * HtmlReport.mean(t.flow().identityFraction()), 100 * HtmlReport.mean(c.flow().identityFraction())));
        if (!t.flow().neverUsed().isEmpty()) {
            sb.append(" Modules never used by the trained model: ").append(t.flow().neverUsed()).append('.');
        }
        return sb.toString();
    }

    private static String p(double v) {
        return v < 0.001 ? String.format(Locale.ROOT, "%.1e", v) : String.format(Locale.ROOT, "%.3f", v);
    }
}
