/**
 * Sweeps ({@code jdna sweep SPEC.json}): a grid of presets or config files x seeds x overrides, each run a
 * Spark task that trains with the library's trainer; the driver prints progress and gathers the table. The only
 * package that uses Spark.
 */
package org.jdna.dna.sweep;
