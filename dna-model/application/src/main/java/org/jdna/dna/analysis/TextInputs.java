package org.jdna.dna.analysis;

import java.util.ArrayList;
import java.util.List;

import org.jdna.dna.data.TagSet;
import org.jdna.dna.data.TextSplit;
import org.jdna.dna.model.DnaModel;
import org.jdna.dna.model.RoutingTrace;
import org.jdna.engine.autograd.GradMode;
import org.jdna.engine.memory.MemoryScope;

/**
 * A language evaluation set: non-overlapping windows of T bytes spread evenly over a text split (the same
 * windows every time), each byte labelled with the universal part-of-speech tag of its word.
 *
 * <p>Labelings: {@code tag} (universal tag of every byte; spaces and line breaks are "SPACE"), {@code word tag}
 * (the same, spaces and line breaks left out) and {@code byte} (the byte value itself: the routers see the
 * byte, so this is the reference point for how much of the tag MI the byte identity alone explains).
 */
public final class TextInputs implements EvaluationInputs {
    static final int BEFORE = 32;
    static final int AFTER = 16;
    static final int OVERVIEW_WINDOWS = 3;
    static final int OVERVIEW_BYTES = 160;
    /** {@link TagSet#UNIVERSAL} with readable names for its two symbols: "_" (no word) and "." (punctuation). */
    static final List<String> TAG_NAMES = TagSet.UNIVERSAL.stream()
            .map(t -> t.equals(TagSet.NONE_NAME) ? "SPACE" : t.equals(".") ? "PUNCT" : t).toList();

    private final TextSplit split;
    private final TagSet tags;
    private final int context;
    private final int[] starts;

    /**
     * @param context   T, bytes per window (the model's context)
     * @param maxTokens at most this many bytes in all (fewer when the split is short)
     */
    public TextInputs(TextSplit split, TagSet tags, int context, int maxTokens) {
        if (context < 1 || maxTokens < 1) {
            throw new IllegalArgumentException("TextInputs: context " + context + " and tokens " + maxTokens
                    + " must be >= 1");
        }
        if (split.length() < context) {
            throw new IllegalArgumentException("TextInputs: split '" + split.name() + "' has " + split.length()
                    + " bytes, fewer than one window of T = " + context);
        }
        int wanted = Math.max(1, (maxTokens + context - 1) / context);
        int fit = (split.length() - context) / context + 1;
        int windows = Math.min(wanted, fit);
        this.starts = new int[windows];
        int stride = windows == 1 ? 0 : (split.length() - context) / (windows - 1);
        for (int i = 0; i < windows; i++) {
            starts[i] = i * stride;
        }
        this.split = split;
        this.tags = tags;
        this.context = context;
    }

    @Override public String unit() { return "token"; }

    @Override public int unitSize() { return 1; }

    @Override public int tokens() { return starts.length * context; }

    public int windows() { return starts.length; }

    @Override
    public String description() {
        return "text split '" + split.name() + "': " + starts.length + " windows of " + context + " bytes spread over "
                + split.length() + " bytes (" + tokens() + " tokens)";
    }

    /** Offset in the split of token n. */
    public int offset(int token) {
        return starts[token / context] + token % context;
    }

    @Override
    public List<Labeling> labelings() {
        int n = tokens();
        int[] tag = new int[n];
        int[] word = new int[n];
        int[] bytes = new int[n];
        int[] universalOf = new int[tags.size()];
        for (int id = 0; id < tags.size(); id++) {
            universalOf[id] = tags.universal(id);
        }
        for (int t = 0; t < n; t++) {
            int at = offset(t);
            int u = universalOf[split.tags()[at]];
            tag[t] = u;
            word[t] = split.tags()[at] == TagSet.NONE ? Labeling.EXCLUDED : u;
            bytes[t] = split.bytes()[at] & 0xFF;
        }
        List<String> byteNames = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            byteNames.add(byteName(b));
        }
        return List.of(new Labeling("tag", tag, TAG_NAMES), new Labeling("word tag", word, TAG_NAMES),
                new Labeling("byte", bytes, byteNames));
    }

    /** A byte as a readable label: the character, "␣" for a space, "\n" for a line break, else hex. */
    static String byteName(int b) {
        if (b == ' ') {
            return "\u2423";
        }
        if (b == '\n') {
            return "\\n";
        }
        if (b > 32 && b < 127) {
            return Character.toString(b);
        }
        return String.format("0x%02x", b);
    }

    @Override
    public String tokenContext(int token) {
        int at = offset(token);
        int from = Math.max(0, at - BEFORE);
        int to = Math.min(split.length(), at + 1 + AFTER);
        return flat(split.text(from, at)) + "[" + flat(split.text(at, at + 1)) + "]" + flat(split.text(at + 1, to));
    }

    @Override
    public String unitContext(int unit) { return tokenContext(unit); }

    @Override
    public String tokenHtml(int token) {
        int at = offset(token);
        int from = Math.max(0, at - BEFORE);
        int to = Math.min(split.length(), at + 1 + AFTER);
        return "<span class=\"ctx\">" + Html.escape(flat(split.text(from, at))) + "<mark>"
                + Html.escape(flat(split.text(at, at + 1))) + "</mark>" + Html.escape(flat(split.text(at + 1, to)))
                + "</span>";
    }

    @Override
    public String unitHtml(int unit, int[] visitsPerToken, int lo, int hi) {
        int window = unit / context;
        int from = Math.max(window * context, unit - BEFORE);
        int to = Math.min((window + 1) * context, unit + 1 + AFTER);
        return "<span class=\"ctx\">" + shaded(from, to, unit, visitsPerToken, lo, hi) + "</span>";
    }

    @Override
    public String overviewHtml(int[] visitsPerToken, int lo, int hi) {
        StringBuilder sb = new StringBuilder();
        int shown = Math.min(OVERVIEW_WINDOWS, starts.length);
        for (int w = 0; w < shown; w++) {
            int window = (int) ((w + 0.5) * starts.length / shown);
            int from = window * context;
            int to = from + Math.min(context, OVERVIEW_BYTES);
            sb.append("<p class=\"heat\">").append(shaded(from, to, -1, visitsPerToken, lo, hi)).append("</p>\n");
        }
        return sb.toString();
    }

    /** Tokens [from, to) of the set, each byte's background from white (lo visits) to dark red (hi). */
    private String shaded(int from, int to, int marked, int[] visits, int lo, int hi) {
        StringBuilder sb = new StringBuilder();
        for (int t = from; t < to; t++) {
            int at = offset(t);
            double level = hi <= lo ? 1 : Math.clamp((visits[t] - lo) / (double) (hi - lo), 0.0, 1.0);
            String ch = Html.escape(flat(split.text(at, at + 1)));
            sb.append("<span style=\"background:rgba(214,39,40,").append(Html.num(0.75 * level, 2))
                    .append(")\" title=\"").append(visits[t]).append(" visits\"")
                    .append(t == marked ? " class=\"focus\"" : "").append('>').append(ch).append("</span>");
        }
        return sb.toString();
    }

    /** Line breaks and tabs as visible marks, so a context stays on one line. */
    static String flat(String s) {
        return s.replace("\n", "\u21b5").replace("\t", " ");
    }

    @Override
    @SuppressWarnings("try") // the scopes are only closed
    public RouteLog route(DnaModel model, int batch) {
        if (model.config().context() != context) {
            throw new IllegalArgumentException("TextInputs: windows of " + context + " bytes but the model's context"
                    + " is T = " + model.config().context());
        }
        List<RoutingTrace> traces = new ArrayList<>();
        try (var ignored = GradMode.disabled()) {
            for (int first = 0; first < starts.length; first += batch) {
                int b = Math.min(batch, starts.length - first);
                int[] tokens = new int[b * context];
                for (int i = 0; i < b; i++) {
                    for (int t = 0; t < context; t++) {
                        tokens[i * context + t] = split.bytes()[starts[first + i] + t] & 0xFF;
                    }
                }
                try (MemoryScope scope = MemoryScope.open()) {     // the trace is host data: nothing to keep
                    traces.add(model.forwardTokens(tokens, b).trace());
                }
            }
        }
        return RouteLog.of(traces);
    }
}
