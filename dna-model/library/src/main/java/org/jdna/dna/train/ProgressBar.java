package org.jdna.dna.train;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Training progress on stderr: step, loss, learning rate, throughput, identity fraction and ETA.
 * On a terminal one line is redrawn in place (at most every 200 ms); in CI or when stderr is
 * redirected ({@link Mode#LINES}) one plain line is printed every {@code logEvery} steps, so logs
 * carry no carriage-return spam. Other messages ({@link #message}) go on their own lines.
 */
public final class ProgressBar {
    /** Redraw in place on a terminal, or append plain lines. */
    public enum Mode { BAR, LINES }

    private static final int BAR_WIDTH = 20;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintWriter err;
    private final Mode mode;
    private final long totalSteps;
    private final int logEvery;
    private final String unit;
    private long firstStep;
    private long startNanos;
    private long windowTokens;
    private long windowNanos;
    private double shownRate;
    private long lastDraw;
    private boolean barShown;

    /**
     * @param unit what a throughput counts, e.g. "tok"
     */
    public ProgressBar(PrintWriter err, Mode mode, long totalSteps, int logEvery, String unit) {
        this.err = err;
        this.mode = mode;
        this.totalSteps = totalSteps;
        this.logEvery = Math.max(1, logEvery);
        this.unit = unit;
    }

    /**
     * LINES when the environment says CI ({@code CI=true}) or stdout/stderr is not a terminal;
     * {@code JDNA_PROGRESS=bar|lines} overrides.
     */
    public static Mode detect() {
        String forced = System.getenv("JDNA_PROGRESS");
        if (forced != null && !forced.isBlank()) {
            return forced.trim().equalsIgnoreCase("bar") ? Mode.BAR : Mode.LINES;
        }
        String ci = System.getenv("CI");
        if (ci != null && (ci.equalsIgnoreCase("true") || ci.equals("1"))) {
            return Mode.LINES;
        }
        var console = System.console();
        return console != null && console.isTerminal() ? Mode.BAR : Mode.LINES;
    }

    /** The first step this session will run (a resumed run starts past 1). */
    public void start(long first) {
        this.firstStep = first;
        this.startNanos = System.nanoTime();
    }

    /** After each step; {@code identity} is the mean identity fraction over the routed steps, NaN when the pool has none. */
    public void step(StepResult r, double identity) {
        windowTokens += r.tokens();
        windowNanos += r.nanos();
        boolean last = r.step() == totalSteps;
        if (mode == Mode.LINES) {
            if (r.step() % logEvery == 0 || last || r.step() == firstStep) {
                updateRate();
                err.println(line(r, identity, false));
                err.flush();
            }
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw >= REDRAW_NANOS || last) {
            updateRate();
            err.print("\r" + line(r, identity, true) + "\u001b[K");
            err.flush();
            lastDraw = now;
            barShown = true;
        }
    }

    /** A line of its own (evaluation results, checkpoints), keeping the bar below it. */
    public void message(String text) {
        clearBar();
        err.println(text);
        err.flush();
    }

    /** Ends the bar's line. */
    public void finish() {
        clearBar();
    }

    private void clearBar() {
        if (barShown) {
            err.println();
            barShown = false;
        }
    }

    private void updateRate() {
        if (windowNanos > 0) {
            shownRate = windowTokens * 1e9 / windowNanos;
        }
        windowTokens = 0;
        windowNanos = 0;
    }

    private String line(StepResult r, double identity, boolean withBar) {
        StringBuilder sb = new StringBuilder();
        int digits = Long.toString(totalSteps).length();
        sb.append(String.format(Locale.ROOT, "step %" + digits + "d/%d", r.step(), totalSteps));
        double fraction = totalSteps == 0 ? 1 : r.step() / (double) totalSteps;
        if (withBar) {
            int filled = (int) Math.round(fraction * BAR_WIDTH);
            sb.append(" [").append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append(']');
        }
        sb.append(String.format(Locale.ROOT, " %3d%% | loss %.4f | lr %.2e | %,.0f %s/s", (int) (fraction * 100),
                r.loss(), r.lr(), shownRate, unit));
        if (!Double.isNaN(identity)) {
            sb.append(String.format(Locale.ROOT, " | identity %.2f", identity));
        }
        long done = r.step() - firstStep + 1;
        double perStep = (System.nanoTime() - startNanos) / 1e9 / Math.max(1, done);
        sb.append(" | ETA ").append(Format.duration(perStep * (totalSteps - r.step())));
        return sb.toString();
    }
}
