package org.jdna.dna.workers;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Serializable;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.util.LongAccumulator;
import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.ConfigLoader;
import org.jdna.dna.config.RunConfig;
import org.jdna.dna.data.DataUnavailableException;
import org.jdna.dna.io.ArchitectureMismatchException;
import org.jdna.dna.io.CorruptCheckpointException;
import org.jdna.dna.parallel.SocketWorkers;
import org.jdna.dna.radial.Distillation;
import org.jdna.dna.train.ProgressBar;
import org.jdna.dna.train.RunDirectory;
import org.jdna.dna.train.RunSummary;
import org.jdna.dna.train.TrainOptions;
import org.jdna.dna.train.Trainer;
import org.jdna.dna.train.TrainingDivergedException;

import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * The body of one barrier task of {@code jdna train --workers N}: worker r = the task's partition.
 * <ol>
 *   <li>Opens a server socket on its executor's address and tells the others, with the newest checkpoint it sees
 *       in the run folder, through {@code BarrierTaskContext.allGather}; all must see the same one (the folder is
 *       shared).</li>
 *   <li>Connects to the others ({@link SocketWorkers}) and trains: worker 0 leads ({@link Trainer#run}, writing
 *       the run's files and console.log), the others follow ({@link Trainer#follow}). A first attempt starts fresh
 *       or resumes as the command said; a rerun of the stage (Spark's answer to a lost executor) resumes from the
 *       newest checkpoint, or starts over when there is none yet.</li>
 *   <li>Tells the others how it ended (a second allGather). A failure of the run itself (a bad setting, divergence,
 *       a damaged checkpoint), on any worker, ends every worker's task normally with that error, so Spark does not
 *       rerun what would fail again; any other failure (a lost peer) fails the task, and Spark reruns the stage.</li>
 * </ol>
 */
final class WorkerTask extends AbstractFunction1<Iterator<Integer>, Iterator<WorkerOutcome>> implements Serializable {
    static final String CONSOLE = "console.log";

    private final String configJson;
    private final boolean resume;
    private final boolean overwrite;
    private final int timeoutMillis;
    private final LongAccumulator steps;

    /**
     * @param configJson    the run's resolved configuration (train.microBatches = N)
     * @param resume        the first attempt resumes from the newest checkpoint
     * @param overwrite     the first attempt may start over a folder that holds a run
     * @param timeoutMillis bound on each connect and each wait for another worker's data
     * @param steps         the lead's last finished step, for the driver's progress lines
     */
    WorkerTask(String configJson, boolean resume, boolean overwrite, int timeoutMillis, LongAccumulator steps) {
        this.configJson = configJson;
        this.resume = resume;
        this.overwrite = overwrite;
        this.timeoutMillis = timeoutMillis;
        this.steps = steps;
    }

    @Override
    public Iterator<WorkerOutcome> apply(Iterator<Integer> ignored) {
        return CollectionConverters.asScala(List.of(run(BarrierTaskContext.get())).iterator());
    }

    private WorkerOutcome run(BarrierTaskContext ctx) {
        int rank = ctx.partitionId();
        int n = ctx.getTaskInfos().length;
        RunConfig config = ConfigLoader.fromJson(configJson, "the driver's configuration");
        RunDirectory dir = new RunDirectory(Path.of(config.train().outDir()));
        String checkpoint = dir.checkpoints().latest().map(p -> p.getFileName().toString()).orElse("none");
        boolean rerun = ctx.stageAttemptNumber() > 0 || ctx.attemptNumber() > 0;
        // Local mode (the tasks run in the driver): the workers talk over the loopback only.
        String host = "driver".equals(SparkEnv.get().executorId()) ? "127.0.0.1"
                : host(ctx.getTaskInfos()[rank].address());

        WorkerOutcome outcome;
        RuntimeException failure = null;
        try (ServerSocket server = new ServerSocket(0, n, InetAddress.getByName(host))) {
            String[] hello = ctx.allGather(host + " " + server.getLocalPort() + " " + checkpoint);
            List<InetSocketAddress> addresses = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                String[] f = hello[r].split(" ");
                addresses.add(new InetSocketAddress(f[0], Integer.parseInt(f[1])));
                if (!f[2].equals(checkpoint)) {
                    throw new ConfigException("worker " + rank + " finds checkpoint " + checkpoint + " in " + dir.root()
                            + ", worker " + r + " finds " + f[2] + ": the run folder must be one that every worker"
                            + " shares");
                }
            }
            boolean hasCheckpoint = !checkpoint.equals("none");
            boolean resumeNow = rerun ? hasCheckpoint : resume;
            boolean overwriteNow = rerun || overwrite;
            try (SocketWorkers group = new SocketWorkers(rank, addresses, server, timeoutMillis)) {
                try {
                    outcome = rank == 0 ? lead(config, dir, group, resumeNow, overwriteNow)
                            : follow(config, group, resumeNow, overwriteNow);
                } catch (ConfigException | TrainingDivergedException | CorruptCheckpointException
                         | ArchitectureMismatchException | DataUnavailableException e) {
                    outcome = new WorkerOutcome(rank, null, "", firstLine(e), e instanceof TrainingDivergedException,
                            group.cost());
                } catch (RuntimeException e) {
                    failure = e;
                    outcome = null;
                }
            }
        } catch (ConfigException e) {
            outcome = new WorkerOutcome(rank, null, "", firstLine(e), false, null);
        } catch (IOException e) {
            failure = new UncheckedIOException("worker " + rank + ": " + e.getMessage(), e);  // a socket or console.log
            outcome = null;
        }
        // How every worker ended: the run's own error, wherever it arose, is every worker's outcome.
        String[] ends = ctx.allGather(outcome == null || outcome.ok() ? "done"
                : (outcome.diverged() ? "diverged " : "error ") + outcome.error());
        for (int r = 0; r < n; r++) {
            if (!ends[r].equals("done") && (outcome == null || outcome.ok())) {
                String[] kind = ends[r].split(" ", 2);
                outcome = new WorkerOutcome(rank, null, "", "worker " + r + ": " + kind[1], kind[0].equals("diverged"),
                        outcome == null ? null : outcome.cost());
                failure = null;
                break;
            }
        }
        if (failure != null) {
            throw failure;
        }
        return outcome;
    }

    private WorkerOutcome lead(RunConfig config, RunDirectory dir, SocketWorkers group, boolean resumeNow,
                               boolean overwriteNow) throws IOException {
        Files.createDirectories(dir.root());
        StringWriter results = new StringWriter();
        // a resumed session (a rerun included) continues the console of the sessions before it
        try (Writer log = Files.newBufferedWriter(dir.root().resolve(CONSOLE), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                resumeNow ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
             PrintWriter err = new PrintWriter(log, true);
             PrintWriter out = new PrintWriter(new Tee(results, log), true)) {
            TrainOptions options = TrainOptions.of(out, err).withProgress(ProgressBar.Mode.LINES)
                    .withExtensions(Distillation.FACTORY).withResume(resumeNow).withOverwrite(overwriteNow)
                    .withWorkers(group).withHooks((step, model) -> {
                        steps.reset();
                        steps.add(step - 1);               // steps finished: the driver's progress line
                    });
            RunSummary s = Trainer.run(config, options);
            out.flush();
            return new WorkerOutcome(0, new LinkedHashMap<>(s.toMap()), results.toString(), null, false, group.cost());
        }
    }

    private WorkerOutcome follow(RunConfig config, SocketWorkers group, boolean resumeNow, boolean overwriteNow) {
        PrintWriter quiet = new PrintWriter(Writer.nullWriter());
        Trainer.follow(config, TrainOptions.of(quiet, quiet).withResume(resumeNow).withOverwrite(overwriteNow)
                .withExtensions(Distillation.FACTORY).withWorkers(group));
        return new WorkerOutcome(group.rank(), null, "", null, false, group.cost());
    }

    /** The host of an executor's "host:port" (an IPv6 host in brackets or not). */
    static String host(String address) {
        int colon = address.lastIndexOf(':');
        String h = colon < 0 ? address : address.substring(0, colon);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    private static String firstLine(RuntimeException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
    }

    /** Writes to two writers: the lead's results go to the driver and to console.log. */
    private static final class Tee extends Writer {
        private final Writer a;
        private final Writer b;

        Tee(Writer a, Writer b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(char[] cbuf, int off, int len) throws IOException {
            a.write(cbuf, off, len);
            b.write(cbuf, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }

        @Override
        public void close() throws IOException {
            flush();                                  // the two are the caller's to close
        }
    }
}
