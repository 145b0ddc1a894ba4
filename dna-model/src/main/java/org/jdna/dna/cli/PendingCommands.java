package org.jdna.dna.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Commands whose bodies arrive with later work; until then they say so and exit 2. */
final class PendingCommands {
    static final int NOT_AVAILABLE = 2;

    private PendingCommands() {}

    static int notYet(CommandSpec spec) {
        spec.commandLine().getErr().println("jdna " + spec.name() + ": not yet available in this build");
        spec.commandLine().getErr().flush();
        return NOT_AVAILABLE;
    }

    @Command(name = "analyze", mixinStandardHelpOptions = true,
            description = "Paths, specialization, compute allocation and flow of a trained model, as an HTML report.")
    static final class Analyze implements Callable<Integer> {
        @Parameters(paramLabel = "CHECKPOINT", description = "checkpoint folder or run folder")
        Path checkpoint;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() { return notYet(spec); }
    }
}
