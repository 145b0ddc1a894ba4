package org.jdna.dna.workers;

import java.io.Serializable;
import java.util.Map;

import org.jdna.dna.parallel.SocketWorkers;

/**
 * What one worker's task gives back to the driver.
 *
 * @param rank    the worker
 * @param summary the run's summary (as summary.json has it): the lead's, null for the others or on failure
 * @param console what the lead printed as results (the header and the summary), empty for the others
 * @param error   the run's own failure (a bad setting, divergence) in one line, null when it finished
 * @param diverged the failure is a diverged loss or gradient (else a setting, a checkpoint or the data)
 * @param cost    what the collectives cost this worker in this attempt
 */
public record WorkerOutcome(int rank, Map<String, Object> summary, String console, String error, boolean diverged,
                            SocketWorkers.Cost cost) implements Serializable {
    public boolean ok() { return error == null; }
}
