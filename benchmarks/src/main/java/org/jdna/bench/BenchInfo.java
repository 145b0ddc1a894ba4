package org.jdna.bench;

import org.jdna.engine.backend.Backend;

/**
 * Prints the backend the benchmarks measure, with its vector species (for example "simd (Vector API
 * 512-bit (16 lanes))"; the thread count is each benchmark's param): compare.sh puts it in the
 * table's header beside the CPU model.
 * Honours {@code -Djdna.bench.backend} and {@code -Djdna.simd.bits} as the benchmarks do.
 */
public final class BenchInfo {
    private BenchInfo() {
    }

    public static void main(String[] args) throws Exception {
        Backend backend = BenchBackends.create(1);
        try {
            System.out.println(backend.description().replaceAll(", \\d+ threads?\\)$", ")"));
        } finally {
            BenchBackends.close(backend);
        }
    }
}
