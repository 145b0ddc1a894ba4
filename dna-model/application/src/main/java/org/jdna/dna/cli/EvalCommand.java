package org.jdna.dna.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.jdna.dna.config.RunConfig;
import org.jdna.dna.config.Task;
import org.jdna.dna.model.ComputeAccount;
import org.jdna.dna.train.EvalResult;
import org.jdna.dna.train.Evaluator;
import org.jdna.dna.train.Format;
import org.jdna.dna.train.ModelProbe;
import org.jdna.dna.train.TaskData;
import org.jdna.dna.train.TrainBatch;
import org.jdna.dna.train.TrainedModel;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jdna eval CHECKPOINT}: the held-out loss of a checkpoint over a whole split (the figure a run's
 * summary publishes), or over the run's fast sample (what its progress lines showed).
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Loss / accuracy of a checkpoint over a whole held-out split: every validation byte once"
                + " (language), the whole test set (vision); the same figure as the run's summary.",
                "--split sample gives the fast sample the progress lines showed instead."})
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--split", paramLabel = "SPLIT", description = "val (the whole validation split; the default for"
            + " language), test (vision: the whole Fashion-MNIST test set; the default for vision) or sample (the run's"
            + " fixed fast sample of held-out batches)")
    String split;

    @Mixin
    LoadOptions run;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (split != null && !List.of("val", "test", "sample").contains(split)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "eval: --split must be val, test or sample, not '" + split + "'");
        }
        LoadOptions.Loaded loaded = run.load();
        TrainedModel m = loaded.run();
        RunConfig config = m.config();
        PrintWriter out = loaded.out();
        TaskData data = loaded.data();
        boolean vision = config.model().task() == Task.VISION;
        String chosen = split != null ? split : vision ? "test" : "val";
        if (chosen.equals("test") && !vision) {
            throw new CommandLine.ParameterException(spec.commandLine(), "eval: --split test exists for vision"
                    + " runs only; the Brown corpus has train and validation documents (use --split val)");
        }
        List<TrainBatch> batches;
        String what;
        if (chosen.equals("sample")) {
            batches = data.evalBatches();
            what = "the fast sample of " + batches.size() + " fixed held-out batches";
        } else {
            TaskData.HeldOut whole = TaskData.wholeSplit(config, loaded.datasets(), chosen);
            batches = whole.batches();
            what = whole.description() + " (" + batches.size() + " batches)";
        }
        EvalResult e = Evaluator.evaluate(m.model(), batches);
        ComputeAccount a = ModelProbe.account(m.model(), data);
        out.printf("checkpoint %s (step %d)%n", m.checkpoint(), m.state().step());
        out.println("  model " + Format.model(config.model()));
        out.println("  data  " + data.description());
        out.println("  over  " + what);
        String name = chosen.equals("sample") ? "val (sample)" : chosen;
        out.printf(Locale.ROOT, "  %s loss %.6f (%s) over %s targets%n", name, e.loss(),
                vision ? String.format(Locale.ROOT, "accuracy %.2f%%", 100 * e.accuracy())
                        : String.format(Locale.ROOT, "%.4f bits/byte, next-byte accuracy %.1f%%", e.bitsPerByte(),
                        100 * e.accuracy()),
                Format.count(e.targets()));
        // Checkpoints written before the whole-split evaluation have no valSampleLoss: their valLoss is the sample.
        Map<String, Double> recorded = m.state().metrics();
        boolean named = recorded.containsKey("valSampleLoss");
        Double saved = chosen.equals("sample") ? recorded.get(named ? "valSampleLoss" : "valLoss")
                : named ? recorded.get(chosen + "Loss") : null;
        if (saved != null) {
            out.printf(Locale.ROOT, "  %s loss recorded when the checkpoint was written: %.6f%s%n", name, saved,
                    saved == e.loss() ? " (identical)" : "");
        }
        out.printf("  %s parameters; per token %s active, %s forward FLOPs%n", Format.count(a.totalParameters()),
                Format.count(a.activeParametersPerToken()), Format.si(a.forwardFlopsPerToken()));
        out.flush();
        return 0;
    }
}
