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
import org.jdna.dna.train.ModelProbe;
import org.jdna.engine.backend.Backends;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints the resolved configuration with the model's parameters, active parameters and FLOPs per token. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print the resolved configuration of a preset / config file / overrides, with its parameters"
                + " and forward FLOPs per token.")
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
