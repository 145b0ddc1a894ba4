package org.jdna.dna.cli;

import org.jdna.dna.config.ConfigException;
import org.jdna.dna.data.DataUnavailableException;
import org.jdna.dna.io.ArchitectureMismatchException;
import org.jdna.dna.io.CorruptCheckpointException;
import org.jdna.dna.sweep.SweepStoppedException;
import org.jdna.dna.train.TrainingDivergedException;

import org.jdna.engine.backend.Backends;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The jdna command line: {@code jdna train | eval | sample | info | profile | compare | analyze}. */
@Command(name = "jdna", mixinStandardHelpOptions = true, version = "jdna 0.1.0-SNAPSHOT",
        description = "Train and study Distributed Neural Architectures on the JVM.",
        subcommands = {TrainCommand.class, EvalCommand.class, SampleCommand.class, InfoCommand.class,
                AnalyzeCommand.class, ProfileCommand.class, CompareCommand.class, SweepCommand.class})
public final class Main implements Runnable {
    /** Exit status of a bad configuration, a refused checkpoint or unusable data. */
    public static final int USER_ERROR = 2;
    /** Exit status of a training run stopped by a NaN or infinite loss or gradient norm. */
    public static final int DIVERGED = 3;
    /** Exit status of a sweep stopped by a signal while its runs trained (128 + SIGTERM, as a shell reports it). */
    public static final int STOPPED = 143;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A command line wired with the error handlers (for tests: set out/err on it and call execute). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        // A bad option is one line naming it, like every other error (picocli would follow it with the usage).
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("error: " + e.getMessage() + " (jdna " + cmd.getCommandSpec().qualifiedName(" ")
                    .replaceFirst("^jdna ?", "") + " --help lists the options)");
            cmd.getErr().flush();
            return USER_ERROR;
        });
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException || e instanceof CorruptCheckpointException
                    || e instanceof ArchitectureMismatchException || e instanceof DataUnavailableException) {
                cmd.getErr().println("error: " + e.getMessage());
                cmd.getErr().flush();
                return USER_ERROR;
            }
            if (e instanceof SweepStoppedException) {
                cmd.getErr().println("jdna: " + e.getMessage());
                cmd.getErr().flush();
                return STOPPED;
            }
            if (e instanceof TrainingDivergedException) {
                cmd.getErr().println("error: " + e.getMessage());
                cmd.getErr().flush();
                return DIVERGED;
            }
            if (e instanceof java.io.UncheckedIOException io) {
                cmd.getErr().println("error: " + io.getMessage() + ": " + io.getCause().getMessage());
                cmd.getErr().flush();
                return 1;
            }
            throw e;
        });
        return cl;
    }

    /**
     * What a run that ran out of memory is told (no stack trace): what ran out, and the ways around it. Checkpoints
     * already written are whole (they are written atomically), so the run can resume once it fits.
     */
    static String outOfMemory(OutOfMemoryError e) {
        return "error: out of memory: " + (e.getMessage() == null ? "the Java heap is full" : e.getMessage())
                + "\n  Give the JVM more heap (JDNA_JAVA_OPTS=\"-Xmx8g\" ./jdna ...), train fewer rows at once"
                + " (train.batchSize, or train.microBatches to split each step), or a smaller model; ./jdna info"
                + " estimates a configuration's memory. Checkpoints already written are whole: --resume continues"
                + " from the newest.";
    }

    public static void main(String[] args) {
        int code;
        try {
            code = commandLine().execute(args);
        } catch (OutOfMemoryError e) {
            System.err.println(outOfMemory(e));
            code = 1;
        }
        try {
            Backends.closeAll();    // device memory, cuBLAS handles and kernel modules back before exit
        } catch (RuntimeException e) {
            System.err.println("jdna: closing a backend failed: " + e.getMessage());
        }
        System.exit(code);
    }
}
