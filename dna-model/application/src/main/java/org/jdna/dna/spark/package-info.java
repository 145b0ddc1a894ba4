/**
 * What the jdna jobs on Apache Spark share: the default local master, the checks made before a job starts, the
 * context's settings. Spark is used here, in {@code org.jdna.dna.sweep} and in {@code org.jdna.dna.workers} only.
 */
package org.jdna.dna.spark;
