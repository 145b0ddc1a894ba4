package org.jdna.bench;

/**
 * A routing benchmark shape (benchmarks/README.md, "What is measured"): N = B*T tokens of width D,
 * E modules, top-K, MLP hidden width H = 4D, attention heads of 64 dimensions.
 *
 * @param name the JMH param value ("d256", "d512")
 */
public record RoutingShape(String name, int batch, int seqLen, int d, int experts, int k, int hidden, int heads) {

    /** The two shapes every routing benchmark and its PyTorch peer run. */
    public static RoutingShape named(String name) {
        return switch (name) {
            case "d256" -> new RoutingShape(name, 16, 256, 256, 16, 2, 1024, 4);
            case "d512" -> new RoutingShape(name, 16, 256, 512, 16, 2, 2048, 8);
            default -> throw new IllegalArgumentException("routing shape: unknown '" + name + "', expected d256 or d512");
        };
    }

    /** N: tokens in a batch. */
    public int tokens() {
        return batch * seqLen;
    }

    /** N*K: rows of the dispatch buffer (one per (token, slot) pair). */
    public int dispatchRows() {
        return tokens() * k;
    }

    public int headDim() {
        return d / heads;
    }
}
