package org.jdna.engine.backend;

/** Reductions over the middle axis of an (outer, len, inner) view. */
public enum ReduceOp {
    SUM, MAX
}
