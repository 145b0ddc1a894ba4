package org.jdna.dna.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

import org.jdna.dna.config.ConfigJson;
import org.jdna.dna.config.ModelConfig;
import org.jdna.dna.config.RunConfig;
import org.jdna.engine.backend.Backends;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Prints the resolved configuration (and, once the model exists, its parameters and FLOPs). */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print the resolved configuration of a preset / config file / overrides.")
final class InfoCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--backends", description = "also list the compute backends on the class path and whether each can run")
    boolean backends;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RunConfig c = config.resolve();
        PrintWriter out = spec.commandLine().getOut();
        ModelConfig m = c.model();
        out.printf("%s DNA: D=%d, %d heads, H=%d, N_b=%d, S=%d, E=%d (%s), K=%d, T=%d, identity target r=%s%n",
                m.task().jsonName(), m.width(), m.heads(), m.mlpHidden(), m.backboneBlocks(), m.routedSteps(),
                m.poolSize(), m.pool(), m.topK(), m.sequenceLength(), m.identityTarget());
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
