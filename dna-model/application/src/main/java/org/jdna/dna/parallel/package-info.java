/**
 * Pieces of data-parallel training: the shard-order all-reduce that gives N workers the bits of
 * {@code train.microBatches = N}. Plain JDK sockets; Spark (which would place the workers) stays in
 * {@code org.jdna.dna.sweep}.
 */
package org.jdna.dna.parallel;
