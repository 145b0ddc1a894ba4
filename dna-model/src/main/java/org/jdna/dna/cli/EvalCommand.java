package org.jdna.dna.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
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
import org.jdna.dna.train.TrainedModel;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jdna eval CHECKPOINT}: the held-out loss of a checkpoint on the run's own fixed evaluation batches. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Validation loss / accuracy of a checkpoint, on the same held-out batches the run evaluated on.")
final class EvalCommand implements Callable<Integer> {
    @Parameters(paramLabel = "CHECKPOINT", description = "checkpoint folder, or run folder (its newest checkpoint)")
    Path checkpoint;

    @Mixin
    LoadOptions run;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TrainedModel m = run.load(checkpoint);
        RunConfig config = m.config();
        TaskData data = TaskData.open(config, LoadOptions.datasetsNotingTo(err));
        EvalResult e = Evaluator.evaluate(m.model(), data.evalBatches());
        ComputeAccount a = ModelProbe.account(m.model(), data);
        out.printf("checkpoint %s (step %d)%n", m.checkpoint(), m.state().step());
        out.println("  model " + Format.model(config.model()));
        out.println("  data  " + data.description());
        boolean vision = config.model().task() == Task.VISION;
        out.printf(Locale.ROOT, "  val loss %.6f (%s) over %s targets of %d fixed batches%n", e.loss(),
                vision ? String.format(Locale.ROOT, "accuracy %.2f%%", 100 * e.accuracy())
                        : String.format(Locale.ROOT, "%.4f bits/byte, next-byte accuracy %.1f%%", e.bitsPerByte(),
                        100 * e.accuracy()),
                Format.count(e.targets()), data.evalBatches().size());
        Double saved = m.state().metrics().get("valLoss");
        if (saved != null) {
            out.printf(Locale.ROOT, "  val loss recorded when the checkpoint was written: %.6f%s%n", saved,
                    saved == e.loss() ? " (identical)" : "");
        }
        out.printf("  %s parameters; per token %s active, %s forward FLOPs%n", Format.count(a.totalParameters()),
                Format.count(a.activeParametersPerToken()), Format.si(a.forwardFlopsPerToken()));
        out.flush();
        return 0;
    }
}
