package org.jdna.dna.sweep;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.scheduler.TaskInfo;

import scala.Tuple4;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The driver's console during a sweep, one line per event: a run starts (its task starts), advances (the
 * step count its task reports with each executor heartbeat), finishes or fails (its task ends; the task's
 * own line comes back with it). Task i of the sweep's one stage is run i.
 */
final class SweepProgress extends SparkListener {
    static final String STEPS = "jdna.sweep.steps";
    static final String LINES = "jdna.sweep.lines";

    private final PrintWriter out;
    private final List<SweepRun> runs;
    private final long[] totalSteps;
    private final Map<Long, Integer> runOfTask = new ConcurrentHashMap<>();
    private final Map<Integer, Long> lastReported = new ConcurrentHashMap<>();

    SweepProgress(PrintWriter out, List<SweepRun> runs, long[] totalSteps) {
        this.out = out;
        this.runs = runs;
        this.totalSteps = totalSteps;
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart e) {
        TaskInfo t = e.taskInfo();
        runOfTask.put(t.taskId(), t.index());
        say(t.index(), "started" + (t.attemptNumber() > 0 ? " (attempt " + (t.attemptNumber() + 1) + ")" : "")
                + " on " + t.host());
    }

    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate e) {
        for (Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>> u
                : CollectionConverters.asJava(e.accumUpdates())) {
            Integer run = runOfTask.get((Long) u._1());
            if (run == null) {
                continue;
            }
            for (AccumulableInfo a : CollectionConverters.asJava(u._4())) {
                if (a.name().isDefined() && STEPS.equals(a.name().get()) && a.update().isDefined()
                        && a.update().get() instanceof Long step && !step.equals(lastReported.put(run, step))) {
                    say(run, "step " + step + " of " + totalSteps[run]);
                }
            }
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
        TaskInfo t = e.taskInfo();
        for (AccumulableInfo a : CollectionConverters.asJava(t.accumulables())) {
            if (a.name().isDefined() && LINES.equals(a.name().get()) && a.update().isDefined()
                    && a.update().get() instanceof List<?> lines) {
                lines.forEach(l -> line(t.index(), String.valueOf(l)));
                return;
            }
        }
        if (!t.successful()) {
            say(t.index(), "task lost: " + e.reason());
        }
    }

    private void say(int run, String what) {
        line(run, runs.get(run).name() + " " + what);
    }

    private synchronized void line(int run, String text) {
        out.printf("[%d/%d] %s%n", run + 1, runs.size(), text);
        out.flush();
    }
}
