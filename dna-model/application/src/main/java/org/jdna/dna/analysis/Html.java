package org.jdna.dna.analysis;

import java.util.Locale;

/** Small HTML helpers: escaping and number formatting shared by the report's pieces. */
final class Html {
    private Html() {}

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** A number with {@code digits} decimals; NaN as an en dash. */
    static String num(double v, int digits) {
        if (Double.isNaN(v)) {
            return "&ndash;";
        }
        return String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    /** A p-value: "&lt; 0.005" style below the resolution of the test is not used; shows 3 significant digits. */
    static String p(double v) {
        if (Double.isNaN(v)) {
            return "&ndash;";
        }
        return v < 0.001 ? String.format(Locale.ROOT, "%.1e", v) : String.format(Locale.ROOT, "%.3f", v);
    }

    /** A metric: integers (step and token counts) without decimals, anything else with 4. */
    static String metric(double v) {
        if (Double.isFinite(v) && v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        return num(v, 4);
    }

    static String percent(double fraction) {
        return Double.isNaN(fraction) ? "&ndash;" : String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }
}
