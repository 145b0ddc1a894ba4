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

    /**
     * A metric: integers (step and token counts) and values of 1,000 or more without decimals and with thousands
     * separators, small values (a learning rate) with 3 significant digits, anything else with 4 decimals.
     */
    static String metric(double v) {
        if (Double.isFinite(v) && v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        if (v != 0 && Math.abs(v) < 0.01) {
            return String.format(Locale.ROOT, "%.3g", v);
        }
        if (Math.abs(v) >= 1000 && Double.isFinite(v)) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return num(v, 4);
    }

    /** A value of a JSON record, escaped: numbers as {@link #metric}, lists element by element, the rest as text. */
    static String value(Object v) {
        if (v instanceof Number n) {
            return metric(n.doubleValue());
        }
        if (v instanceof java.util.List<?> list) {
            StringBuilder sb = new StringBuilder();
            for (Object o : list) {
                sb.append(sb.isEmpty() ? "" : " ").append(o instanceof java.util.List<?> ? "[" + value(o) + "]" : value(o));
            }
            return sb.toString();
        }
        if (v instanceof double[] a) {
            StringBuilder sb = new StringBuilder();
            for (double d : a) {
                sb.append(sb.isEmpty() ? "" : " ").append(metric(d));
            }
            return sb.toString();
        }
        return escape(String.valueOf(v));
    }

    static String percent(double fraction) {
        return Double.isNaN(fraction) ? "&ndash;" : String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }
}
