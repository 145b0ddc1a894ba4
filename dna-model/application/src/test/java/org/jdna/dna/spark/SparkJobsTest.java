package org.jdna.dna.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.api.java.JavaSparkContext;
import org.jdna.dna.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The settings every jdna Spark context gets. */
class SparkJobsTest {

    /**
     * A local sweep paused for longer than Spark's default heartbeat timeout (120 s: a SIGSTOP of 150 s did it, as a
     * laptop's sleep would) stopped its own context when it woke, ending the sweep. A local context must wait days.
     */
    @Test
    void aLocalContextOutlivesAPauseOfTheProcess() {
        JavaSparkContext sc = SparkJobs.open("SparkJobsTest", "local[1]");
        try {
            long timeoutSeconds = sc.getConf().getTimeAsSeconds("spark.network.timeout", "120s");
            assertTrue(timeoutSeconds >= 24 * 3600, "spark.network.timeout of a local context: " + timeoutSeconds + " s");
        } finally {
            sc.stop();
        }
    }

    /** A value the user gives (a spark.* system property, as spark-submit passes them) still wins. */
    @Test
    void theUsersOwnTimeoutWins() {
        String before = System.getProperty("spark.network.timeout");
        System.setProperty("spark.network.timeout", "300s");
        try {
            JavaSparkContext sc = SparkJobs.open("SparkJobsTest", "local[1]");
            try {
                assertEquals(300, sc.getConf().getTimeAsSeconds("spark.network.timeout", "120s"));
            } finally {
                sc.stop();
            }
        } finally {
            if (before == null) {
                System.clearProperty("spark.network.timeout");
            } else {
                System.setProperty("spark.network.timeout", before);
            }
        }
    }

    /** Settings that Spark refuses (here a timeout below its check interval) are one line naming them. */
    @Test
    void settingsSparkRefusesAreAConfigErrorNamingThem() {
        String before = System.getProperty("spark.network.timeout");
        System.setProperty("spark.network.timeout", "6s");    // below spark.network.timeoutInterval's 60 s
        try {
            ConfigException e = assertThrows(ConfigException.class, () -> SparkJobs.open("SparkJobsTest", "local[1]"));
            assertTrue(e.getMessage().contains("spark.network.timeoutInterval")
                    && e.getMessage().contains("JDNA_JAVA_OPTS"), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty("spark.network.timeout");
            } else {
                System.setProperty("spark.network.timeout", before);
            }
        }
    }
}
