/**
 * Data-parallel training ({@code jdna train --workers N}): N Spark barrier tasks, each a replica of the model
 * running one shard of every step, their gradients summed in shard order over TCP ({@code org.jdna.dna.parallel});
 * the bits of one process with train.microBatches = N (docs/distributed.md).
 */
package org.jdna.dna.workers;
