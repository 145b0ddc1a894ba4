package org.jdna.dna.workers;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on 127.0.0.1 made of separate JVMs from this test's class path: a Master and one
 * Worker with {@code cores} cores, whose executors (one core each) are further JVMs. The Worker's executor launcher
 * wants a SPARK_HOME holding {@code jars/} (this class path's jars, linked) and a {@code RELEASE} file, and
 * SPARK_SCALA_VERSION in its environment; the class folders of the build reach the executors as
 * spark.executor.extraClassPath, the JVM flags as spark.executor.extraJavaOptions (both in {@link #appSettings}).
 * Every wait is bounded; {@link #close} stops the Worker, every executor it started and the Master, also when a
 * start failed half-way.
 */
final class LocalStandaloneCluster implements AutoCloseable {
    private static final String HOST = "127.0.0.1";
    private static final long START_SECONDS = 60;

    private final Path dir;
    private final List<String> classPath;
    private final List<String> jvmFlags;
    private final int masterPort;
    private final int masterUiPort;
    private Process master;
    private Process worker;
    private final List<ProcessHandle> executorsSeen = new ArrayList<>();

    /** Starts the Master and a Worker of {@code cores} cores and {@code memory} (e.g. "1g") in {@code dir}. */
    LocalStandaloneCluster(Path dir, int cores, String memory) throws IOException {
        this.dir = dir;
        this.classPath = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
        // the flags the build gives this test JVM (the parent POM's jdna.testJvmArgs and jdna.sparkJvmArgs)
        this.jvmFlags = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("--add-modules")
                        || a.startsWith("--enable-native-access"))
                .toList();
        this.masterPort = freePort();
        this.masterUiPort = freePort();
        Path sparkHome = sparkHome();
        try {
            master = start("master", "org.apache.spark.deploy.master.Master", sparkHome, "--host", HOST,
                    "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(masterUiPort));
            awaitPort(masterPort);
            worker = start("worker", "org.apache.spark.deploy.worker.Worker", sparkHome, "--host", HOST,
                    "--cores", String.valueOf(cores), "--memory", memory, "--work-dir", dir.resolve("work").toString(),
                    "--webui-port", String.valueOf(freePort()), masterUrl());
            awaitWorker();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    String masterUrl() { return "spark://" + HOST + ":" + masterPort; }

    /**
     * What an application on this cluster needs besides its master: the executors' class path and JVM flags, one
     * core and 512 MB each, and the driver waiting for all {@code executors} before it schedules (a barrier stage
     * needs all its slots at once).
     */
    Map<String, String> appSettings(int executors) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("spark.executor.extraClassPath", String.join(File.pathSeparator,
                classPath.stream().filter(p -> !p.endsWith(".jar")).toList()));
        s.put("spark.executor.extraJavaOptions", String.join(" ", jvmFlags) + " -XX:+UseSerialGC");
        s.put("spark.executor.cores", "1");
        s.put("spark.executor.memory", "512m");
        s.put("spark.cores.max", String.valueOf(executors));
        s.put("spark.scheduler.minRegisteredResourcesRatio", "1.0");
        s.put("spark.scheduler.maxRegisteredResourcesWaitingTime", START_SECONDS + "s");
        s.put("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s");
        s.put("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", String.valueOf(START_SECONDS));
        return s;
    }

    /** The executor JVMs the Worker runs now. */
    List<ProcessHandle> executors() {
        List<ProcessHandle> found = worker.toHandle().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                .toList();
        synchronized (executorsSeen) {
            found.stream().filter(p -> !executorsSeen.contains(p)).forEach(executorsSeen::add);
        }
        return found;
    }

    /** The last {@code chars} characters of a process's log ("master", "worker"), for failure messages. */
    String logTail(String name, int chars) {
        try {
            String s = Files.readString(dir.resolve(name + ".log"));
            return s.substring(Math.max(0, s.length() - chars));
        } catch (IOException e) {
            return "(no " + name + ".log: " + e.getMessage() + ")";
        }
    }

    private Path sparkHome() throws IOException {
        Path home = dir.resolve("spark-home");
        Path jars = Files.createDirectories(home.resolve("jars"));
        int i = 0;
        for (String entry : classPath) {
            if (entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry))) {
                Files.createSymbolicLink(jars.resolve(String.format("%03d-%s", i++, Path.of(entry).getFileName())),
                        Path.of(entry).toAbsolutePath());
            }
        }
        Files.writeString(home.resolve("RELEASE"), "Spark 4.1.1 (the jars of the jdna build, for a test cluster)\n");
        return home;
    }

    private Process start(String name, String mainClass, Path sparkHome, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-cp", String.join(File.pathSeparator, classPath), mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", HOST);
        return pb.start();
    }

    private void awaitPort(int port) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 500);
                return;
            } catch (IOException e) {
                if (!master.isAlive()) {
                    throw new IOException("the Spark master exited: " + logTail("master", 2000));
                }
                sleep(200);
            }
        }
        throw new IOException("the Spark master did not listen on " + port + " within " + START_SECONDS + " s: "
                + logTail("master", 2000));
    }

    /** Waits until the Master's status page (its web UI's /json) lists the Worker as alive. */
    private void awaitWorker() throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest status = HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + masterUiPort + "/json/"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!worker.isAlive()) {
                throw new IOException("the Spark worker exited: " + logTail("worker", 2000));
            }
            try {
                last = http.send(status, HttpResponse.BodyHandlers.ofString()).body();
                if (last.replace(" ", "").contains("\"aliveworkers\":1")) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the worker", e);
            }
            sleep(200);
        }
        throw new IOException("the Spark worker did not register within " + START_SECONDS + " s (master: " + last
                + "); worker log: " + logTail("worker", 2000));
    }

    /** Stops the Worker (which stops its executors), then any executor left, then the Master; each wait bounded. */
    @Override
    public void close() {
        List<ProcessHandle> left = new ArrayList<>();
        if (worker != null) {
            left.addAll(worker.toHandle().descendants().toList());
            stop(worker.toHandle());
        }
        synchronized (executorsSeen) {
            left.addAll(executorsSeen);
        }
        left.forEach(LocalStandaloneCluster::stop);
        if (master != null) {
            stop(master.toHandle());
        }
    }

    private static void stop(ProcessHandle p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            p.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // SIGKILL delivered; nothing more this process can do
            }
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the cluster", e);
        }
    }
}
