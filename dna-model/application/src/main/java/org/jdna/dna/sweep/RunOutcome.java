package org.jdna.dna.sweep;

import java.io.Serializable;
import java.util.Map;

/**
 * What one sweep run gave back to the driver: the run's summary (as summary.json has it), or the error
 * that stopped it (a bad config, divergence, a crash of its own).
 *
 * @param name    the run's name
 * @param summary the summary's fields, null when the run failed
 * @param error   one line, null when the run finished
 */
public record RunOutcome(String name, Map<String, Object> summary, String error) implements Serializable {
    public boolean ok() { return error == null; }
}
