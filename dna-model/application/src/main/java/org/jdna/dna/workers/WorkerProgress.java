package org.jdna.dna.workers;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.spark.TaskFailedReason;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.scheduler.TaskInfo;

import scala.Tuple4;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The driver's console during {@code jdna train --workers N}: a line when a worker starts (with its attempt, so a
 * rerun after a lost executor shows), when one is lost, and the lead's step count with each executor heartbeat.
 */
final class WorkerProgress extends SparkListener {
    static final String STEPS = "jdna.workers.steps";

    private final PrintWriter out;
    private final int workers;
    private final long totalSteps;
    private final AtomicLong lastReported = new AtomicLong(-1);
    /** The barrier stage: the job's first (the stage after it only gathers the outcomes). */
    private final AtomicInteger barrierStage = new AtomicInteger(-1);

    WorkerProgress(PrintWriter out, int workers, long totalSteps) {
        this.out = out;
        this.workers = workers;
        this.totalSteps = totalSteps;
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted e) {
        barrierStage.compareAndSet(-1, e.stageInfo().stageId());
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart e) {
        TaskInfo t = e.taskInfo();
        if (e.stageId() != barrierStage.get()) {
            return;
        }
        line("worker " + t.index() + " of " + workers + " started on " + t.host()
                + (e.stageAttemptId() > 0 || t.attemptNumber() > 0 ? " (stage attempt " + (e.stageAttemptId() + 1)
                + ": resuming from the newest checkpoint)" : ""));
    }

    @Override
    public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate e) {
        for (Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>> u
                : CollectionConverters.asJava(e.accumUpdates())) {
            for (AccumulableInfo a : CollectionConverters.asJava(u._4())) {
                if (a.name().isDefined() && STEPS.equals(a.name().get()) && a.update().isDefined()
                        && a.update().get() instanceof Long step && step > 0 && lastReported.getAndSet(step) != step) {
                    line("step " + step + " of " + totalSteps);
                }
            }
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
        TaskInfo t = e.taskInfo();
        if (e.stageId() == barrierStage.get() && !t.successful()) {
            String why = e.reason() instanceof TaskFailedReason f ? f.toErrorString() : String.valueOf(e.reason());
            line("worker " + t.index() + " lost: " + why.lines().findFirst().orElse(""));
        }
    }

    private synchronized void line(String text) {
        out.println("  " + text);
        out.flush();
    }
}
