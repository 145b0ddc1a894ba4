package org.jdna.dna.train;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.jdna.dna.config.Task;
import org.jdna.dna.data.WordShare;
import org.jdna.engine.memory.MemoryStats;

/** The console summary of a run, and the side-by-side comparison of a DNA run with its dense baseline. */
public final class SummaryReport {
    /** Identity fractions further than this from r (3 points, the acceptance bound) get an explanation. */
    static final double UNSETTLED_GAP = 0.03;

    private SummaryReport() {}

    public static void print(PrintWriter out, RunSummary s, String data) {
        boolean vision = s.config().model().task() == Task.VISION;
        out.printf(Locale.ROOT, "done: %s, %d steps, %s tokens; this session trained %s at %s tokens/s (%s in all)%n",
                s.name(), s.steps(), Format.count(s.tokens()), Format.duration(s.trainSeconds()),
                Format.count(s.tokensPerSecond()), Format.duration(s.wallSeconds()));
        EvalResult e = s.finalEval();
        out.printf(Locale.ROOT, "  %s over the whole %s split (%s %s); training loss (last steps) %.4f%n",
                vision ? String.format(Locale.ROOT, "test accuracy %.1f%%, loss %.4f", 100 * e.accuracy(), e.loss())
                        : String.format(Locale.ROOT, "validation loss %.4f nats, %.3f bits/byte", e.loss(),
                        e.bitsPerByte()), vision ? "test" : "validation", Format.count(e.targets()),
                vision ? "images" : "bytes", s.trainLoss());
        if (s.sampleEval() != null) {
            out.printf(Locale.ROOT, "  (progress lines: the fast sample of %s held-out %s, val (sample) loss %.4f)%n",
                    Format.count(s.sampleEval().targets()), vision ? "images" : "bytes", s.sampleEval().loss());
        }
        out.printf("  parameters %s; per token %s active, %s forward FLOPs (averaged over the run)%n",
                Format.count(s.compute().totalParameters()), Format.count(s.compute().activeParametersPerToken()),
                Format.si(s.compute().forwardFlopsPerToken()));
        if (s.identityPerStep().length > 0) {
            out.printf(Locale.ROOT, "  identity fraction per routed step (last steps): %s; target r = %.2f%s%s%n",
                    Format.fractions(s.identityPerStep()), s.identityTarget(),
                    s.identityTargetRamped() ? ", ramped per step: " + Format.fractions(stepTargets(s)) : "",
                    Double.isNaN(s.identityDeviation()) ? "" : String.format(Locale.ROOT, " (largest gap %.1f points)",
                            100 * s.identityDeviation()));
        }
        out.printf("  memory: peak %s in use, %s cached by the backend's pool%n",
                MemoryStats.bytes(s.memory().peakBytesInUse()), MemoryStats.bytes(s.memory().bytesCached()));
        if (s.sample() != null) {
            out.println("  sample: " + s.sample().oneLine());
            out.println("  " + s.sample().wordShareText() + " in the training corpus' vocabulary");
        }
        out.println("  data: " + data);
        out.println("  saved in " + s.runDir() + ": final checkpoint " + relative(s.runDir(), s.checkpoint())
                + ", " + RunDirectory.METRICS + ", " + RunDirectory.SUMMARY);
        out.flush();
    }

    private static double[] stepTargets(RunSummary s) {
        double[] t = new double[s.identityPerStep().length];
        for (int i = 0; i < t.length; i++) {
            t[i] = s.config().model().identityTargetOfStep(i);
        }
        return t;
    }

    /**
     * The README's main result: each run's numbers in one table (the whole held-out split), the ratio of the
     * losses, what to run next, and last each model's closing text sample with its word share.
     */
    public static void compare(PrintWriter out, RunSummary dna, RunSummary dense) {
        boolean vision = dna.config().model().task() == Task.VISION;
        out.println();
        out.printf("DNA vs dense baseline, same data and token budget (%s tokens each):%n", Format.count(dna.tokens()));
        out.printf(Locale.ROOT, "  %-14s %9s %8s %9s %14s %15s %10s  %s%n", "run", vision ? "test loss" : "val loss",
                vision ? "accuracy" : "bits/B",
                "params", "active/token", "fwd FLOP/token", "tokens/s", "folder");
        for (RunSummary s : List.of(dna, dense)) {
            out.printf(Locale.ROOT, "  %-14s %9.4f %8s %9s %14s %15s %10s  %s%n", s.name(), s.finalEval().loss(),
                    vision ? String.format(Locale.ROOT, "%.1f%%", 100 * s.finalEval().accuracy())
                            : String.format(Locale.ROOT, "%.3f", s.finalEval().bitsPerByte()),
                    Format.si(s.compute().totalParameters()), Format.si(s.compute().activeParametersPerToken()),
                    Format.si(s.compute().forwardFlopsPerToken()), Format.count(s.tokensPerSecond()), s.runDir());
        }
        out.printf(Locale.ROOT, "  %s loss over the whole %s split (%s %s), in nats%s%n", vision ? "test" : "val",
                vision ? "test" : "validation", Format.count(dna.finalEval().targets()), vision ? "images" : "bytes",
                vision ? "" : "; bits/B = val loss / ln 2");
        double gap = dna.finalEval().loss() / dense.finalEval().loss() - 1;
        out.printf(Locale.ROOT, "  DNA %s loss is %.1f%% %s the dense baseline's%n", vision ? "test" : "validation",
                100 * Math.abs(gap), gap > 0 ? "above" : "below");
        if (dna.identityPerStep().length > 0) {
            out.printf(Locale.ROOT, "  DNA identity fraction per routed step: %s (target r = %.2f, largest gap %.1f points)%n",
                    Format.fractions(dna.identityPerStep()), dna.identityTarget(), 100 * dna.identityDeviation());
            if (dna.identityDeviation() > UNSETTLED_GAP) {
                out.printf(Locale.ROOT, "  (not settled at r yet: the controller moves each identity bias by u = %s per"
                        + " step, model.controllerSpeed; longer runs give it time)%n",
                        dna.config().model().controllerSpeed());
            }
        }
        out.println();
        out.println("Next:");
        List<String[]> next = new java.util.ArrayList<>();
        if (!vision) {
            next.add(new String[]{"./jdna sample " + dna.runDir() + " --prompt \"The jury said\" --tokens 200",
                    "generate text"});
        }
        next.add(new String[]{"./jdna analyze " + dna.runDir(), "where the tokens go: paths, specialization"});
        next.add(new String[]{"./jdna eval " + dense.runDir(), "re-evaluate a checkpoint"});
        next.add(new String[]{"./jdna train --compare-dense --seed 2", "the presets' full budget, another seed"});
        int width = next.stream().mapToInt(c -> c[0].length()).max().orElse(0);
        for (String[] c : next) {
            out.printf("  %-" + width + "s   # %s%n", c[0], c[1]);
        }
        if (dna.sample() != null && dense.sample() != null) {
            Sampler.Settings st = TextSample.SETTINGS;
            out.println();
            out.printf(Locale.ROOT, "Samples: %d bytes after \"%s\" (temperature %s, top-k %d, seed %d); word share ="
                            + " of the generated words of %d+ letters in %d such samples, the share the training corpus"
                            + " spells; the first sample is shown:%n",
                    st.tokens(), TextSample.PROMPT, st.temperature(), st.topK(), st.seed(), WordShare.MIN_LETTERS,
                    TextSample.STREAMS);
            for (RunSummary s : List.of(dna, dense)) {
                out.printf("  %s: %s%n    %s%n", s.name(), s.sample().wordShareText(), s.sample().oneLine());
            }
        }
        out.flush();
    }

    private static String relative(Path root, Path p) {
        try {
            return root.relativize(p).toString();
        } catch (IllegalArgumentException e) {
            return p.toString();
        }
    }
}
