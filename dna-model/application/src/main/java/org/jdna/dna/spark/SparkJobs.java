package org.jdna.dna.spark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListenerInterface;
import org.jdna.dna.config.ConfigException;

/**
 * What every jdna job on Spark shares (sweeps, data-parallel training): the default local master, the checks made
 * before anything starts (a master that answers, an output folder that can be written) and the context's settings.
 * Any spark.* system property reaches the context too (SparkConf reads them, as spark-submit passes settings):
 * {@code JDNA_JAVA_OPTS="-Dspark.executor.memory=4g -Dspark.cores.max=8" ./jdna sweep ...}.
 */
public final class SparkJobs {
    /** How long a spark:// master has to answer a TCP connect before the command is refused. */
    public static final int CONNECT_TIMEOUT_MS = 5_000;
    /** The executors' JVM flags on a cluster, unless spark.executor.extraJavaOptions is set. */
    static final String EXECUTOR_FLAGS = "--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED";

    /** How long a local master's executor may go without a heartbeat (spark.network.timeout): see {@link #open}. */
    static final String LOCAL_NETWORK_TIMEOUT = "30d";

    private SparkJobs() {}

    /** The local master: as many concurrent tasks as the cores hold at {@code threadsPerTask} threads each. */
    public static String localMaster(int threadsPerTask) {
        return "local[" + Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, threadsPerTask)) + "]";
    }

    /**
     * The jar this code runs from (jdna.jar, when started by ./jdna), which a cluster's executors need to run the
     * tasks: Spark ships the jars named in spark.jars to them, as spark-submit does with an application jar.
     * Empty when the classes come from a folder (a build's test run, which sets the executors' class path itself).
     */
    static Optional<Path> applicationJar() {
        try {
            Path p = Path.of(SparkJobs.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(p) && p.toString().endsWith(".jar") ? Optional.of(p) : Optional.empty();
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return Optional.empty();
        }
    }

    /** Refuses a folder that cannot be made or written, before anything trains; {@code command} names the caller. */
    public static void checkWritable(String command, Path dir) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-check", "");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new ConfigException(command + ": the output folder " + dir + " cannot be written (" + e + ")");
        }
    }

    /** A spark:// master that does not answer a TCP connect within 5 s is refused at once, naming it. */
    public static void checkReachable(String command, String master) {
        if (!master.startsWith("spark://")) {
            return;
        }
        IOException last = null;
        for (String hostPort : master.substring("spark://".length()).split(",")) {
            URI u = URI.create("spark://" + hostPort);
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(u.getHost(), u.getPort() < 0 ? 7077 : u.getPort()),
                        CONNECT_TIMEOUT_MS);
                return;
            } catch (IOException e) {
                last = e;
            }
        }
        throw new ConfigException(command + ": the Spark master " + master + " cannot be reached (" + last
                + "); start it, or leave out --master to run on this machine");
    }

    /**
     * A context on {@code master}: no web UI, heartbeats every 2 s (the progress lines ride on them); with a local
     * master, no heartbeat timeout to speak of (a paused process resumes its sweep); with a local master, or one on
     * the loopback address (everything on this machine), the driver bound to 127.0.0.1;
     * {@code settings} (key, value, key, value ...) on top.
     */
    public static JavaSparkContext open(String appName, String master, String... settings) {
        SparkConf conf = new SparkConf().setAppName(appName).setMaster(master)
                .set("spark.ui.enabled", "false")
                .set("spark.executor.heartbeatInterval", "2s")
                .set("spark.task.maxFailures", "4");
        for (int i = 0; i + 1 < settings.length; i += 2) {
            conf.set(settings[i], settings[i + 1]);
        }
        if (!master.startsWith("local")) {
            applicationJar().ifPresent(jar -> conf.setIfMissing("spark.jars", jar.toString()));
            // What ./jdna gives its own JVM (the vector module is pom.xml's jdna.vectorFlag): without it an executor
            // falls back to the scalar reference backend. Spark adds the --add-opens it needs by itself.
            conf.setIfMissing("spark.executor.extraJavaOptions", EXECUTOR_FLAGS);
        }
        if (master.startsWith("local")) {
            // The executor is this JVM: a heartbeat can only be late because the whole process was paused (a laptop
            // asleep, a SIGSTOP), and after Spark's default 120 s the driver would declare its own executor lost and
            // stop the context, ending a days-long sweep when the machine wakes.
            conf.setIfMissing("spark.network.timeout", LOCAL_NETWORK_TIMEOUT);
        }
        if (master.startsWith("local") || master.startsWith("spark://127.0.0.1:")
                || master.startsWith("spark://localhost:")) {
            conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        }
        JavaSparkContext sc;
        try {
            sc = new JavaSparkContext(conf);
        } catch (IllegalArgumentException e) {     // Spark's require(...) on settings that do not fit together
            throw new ConfigException("Spark refused the settings of its context: " + e.getMessage() + " (spark.*"
                    + " settings come from system properties, e.g. JDNA_JAVA_OPTS=\"-Dspark.network.timeout=600s\")");
        }
        sc.setLogLevel("WARN");
        return sc;
    }

    /**
     * Removes a progress listener once the events of the job that just returned have reached it: Spark
     * delivers listener events on its own thread, so a job's last task-end events can still be queued when
     * collect() returns, and removing the listener at once would drop its last progress lines. Waits at
     * most {@code LISTENER_DRAIN_MS}; after that the remaining lines are given up, not the job's results.
     */
    public static void removeListenerWhenDrained(JavaSparkContext sc, SparkListenerInterface listener) {
        try {
            sc.sc().listenerBus().waitUntilEmpty(LISTENER_DRAIN_MS);
        } catch (TimeoutException e) {
            // a late progress line is lost; the outcomes are already in the caller's hands
        } finally {
            sc.sc().removeSparkListener(listener);
        }
    }

    /** How long {@link #removeListenerWhenDrained} waits for queued listener events. */
    static final long LISTENER_DRAIN_MS = 10_000;
}
