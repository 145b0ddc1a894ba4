package org.jdna.dna.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

import org.jdna.dna.config.ConfigJson;
import org.jdna.dna.config.ConfigReference;
import org.jdna.dna.config.RunConfig;
import org.jdna.dna.model.ComputeAccount;
import org.jdna.dna.train.BackendSetup;
import org.jdna.dna.train.Format;
import org.jdna.dna.train.MemoryEstimate;
import org.jdna.dna.train.ModelProbe;
import org.jdna.engine.backend.Backends;
import org.jdna.engine.memory.MemoryStats;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Prints the resolved configuration with the model's parameters, active parameters and FLOPs per token,
 * and an estimate of the memory training it takes at a batch size.
 */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print the resolved configuration of a preset / config file / overrides, with its parameters,"
                + " forward FLOPs per token and the memory training takes at a batch size.")
final class InfoCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--backends", description = "also list the compute backends on the class path and whether each can run")
    boolean backends;

    @Option(names = "--no-model", description = "only the configuration: do not build the model to count its parameters")
    boolean noModel;

    @Option(names = "--fields", description = "list every config field (names for --set and --config files) with its"
            + " type, default, allowed values and meaning, as Markdown")
    boolean fields;

    @Option(names = "--batch", paramLabel = "B",
            description = "estimate training memory at this batch size (default: train.batchSize)")
    Integer batch;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (fields) {
            out.print(ConfigReference.markdown());
            out.flush();
            return 0;
        }
        RunConfig c = config.resolve();
        out.println(Format.model(c.model()));
        if (!noModel) {
            BackendSetup.select(c.train());
            ComputeAccount a = ModelProbe.account(c);
            out.printf("%s parameters; per token %s active, %s forward FLOPs (at initialisation, on one batch of"
                    + " random input: routing decides the active share, see a trained run's summary)%n",
                    Format.count(a.totalParameters()), Format.count(a.activeParametersPerToken()),
                    Format.si(a.forwardFlopsPerToken()));
            int b = batch != null ? batch : c.train().batchSize();
            MemoryEstimate m = MemoryEstimate.measure(c, b, Backends.current());
            out.printf("memory to train at batch %d: about %s = parameters %s + AdamW state %s + one step's peak %s"
                    + " (activations, gradients; measured on %s at batch 1 and 2, scaled to %d%s; the pool's cache"
                    + " comes on top)%n", b, MemoryStats.bytes(m.totalBytes()), MemoryStats.bytes(m.parameterBytes()),
                    MemoryStats.bytes(m.optimizerBytes()), MemoryStats.bytes(m.stepBytes()), Backends.current().name(),
                    m.shardRows(), m.shardRows() < b ? " rows, the largest of the step's micro-batches" : "");
        }
        out.println(ConfigJson.toJson(c));
        if (backends) {
            for (Map.Entry<String, String> e : Backends.survey().entrySet()) {
                out.printf("backend %-10s %s%n", e.getKey(), e.getValue());
            }
        }
        out.flush();
        return 0;
    }
}
