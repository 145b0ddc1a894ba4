package org.jdna.dna.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
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

/** {@code jdna eval CHECKPOINT}: the held-out loss of a checkpoint on the run's own fixed evaluation batches. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Validation loss / accuracy of a checkpoint, on the same held-out batches the run evaluated on.")
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--split", paramLabel = "SPLIT", description = "val (default: the run's fixed held-out batches)"
            + " or test (vision: the whole Fashion-MNIST test set)")
    String split = "val";

    @Mixin
    LoadOptions run;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        LoadOptions.Loaded loaded = run.load();
        TrainedModel m = loaded.run();
        RunConfig config = m.config();
        PrintWriter out = loaded.out();
        TaskData data = loaded.data();
        List<TrainBatch> batches = switch (split) {
            case "val" -> data.evalBatches();
            case "test" -> {
                if (config.model().task() != Task.VISION) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "eval: --split test exists for vision"
                            + " runs only; the Brown corpus has train and validation documents (use --split val)");
                }
                yield TaskData.testBatches(config, loaded.datasets());
            }
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "eval: --split must be val or test, not '" + split + "'");
        };
        EvalResult e = Evaluator.evaluate(m.model(), batches);
        ComputeAccount a = ModelProbe.account(m.model(), data);
        out.printf("checkpoint %s (step %d)%n", m.checkpoint(), m.state().step());
        out.println("  model " + Format.model(config.model()));
        out.println("  data  " + data.description());
        boolean vision = config.model().task() == Task.VISION;
        out.printf(Locale.ROOT, "  %s loss %.6f (%s) over %s targets of %d %s batches%n", split, e.loss(),
                vision ? String.format(Locale.ROOT, "accuracy %.2f%%", 100 * e.accuracy())
                        : String.format(Locale.ROOT, "%.4f bits/byte, next-byte accuracy %.1f%%", e.bitsPerByte(),
                        100 * e.accuracy()),
                Format.count(e.targets()), batches.size(), split.equals("val") ? "fixed" : "test");
        Double saved = m.state().metrics().get("valLoss");
        if (saved != null && split.equals("val")) {
            out.printf(Locale.ROOT, "  val loss recorded when the checkpoint was written: %.6f%s%n", saved,
                    saved == e.loss() ? " (identical)" : "");
        }
        out.printf("  %s parameters; per token %s active, %s forward FLOPs%n", Format.count(a.totalParameters()),
                Format.count(a.activeParametersPerToken()), Format.si(a.forwardFlopsPerToken()));
        out.flush();
        return 0;
    }
}
