package org.jdna.dna.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Commands whose bodies arrive with the model and trainer; until then they say so and exit 2. */
final class PendingCommands {
    static final int NOT_AVAILABLE = 2;

    private PendingCommands() {}

    static int notYet(CommandSpec spec) {
        spec.commandLine().getErr().println("jdna " + spec.name() + ": not yet available in this build");
        spec.commandLine().getErr().flush();
        return NOT_AVAILABLE;
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train a model (fetches the data on first use), evaluate it and write checkpoints.")
    static final class Train implements Callable<Integer> {
        @Mixin
        ConfigOptions config;
        @Option(names = "--resume", paramLabel = "RUN_DIR", description = "continue a run from its latest checkpoint")
        Path resume;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() { return notYet(spec); }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true, description = "Validation loss / accuracy of a checkpoint.")
    static final class Eval implements Callable<Integer> {
        @Parameters(paramLabel = "CHECKPOINT", description = "checkpoint folder or run folder")
        Path checkpoint;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() { return notYet(spec); }
    }

    @Command(name = "sample", mixinStandardHelpOptions = true, description = "Generate text from a prompt.")
    static final class Sample implements Callable<Integer> {
        @Parameters(paramLabel = "CHECKPOINT", description = "checkpoint folder or run folder")
        Path checkpoint;
        @Option(names = "--prompt", description = "text to continue")
        String prompt = "";
        @Option(names = "--tokens", description = "bytes to generate")
        int tokens = 200;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() { return notYet(spec); }
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
