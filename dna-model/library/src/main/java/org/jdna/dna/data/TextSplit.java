package org.jdna.dna.data;

import java.util.List;

/**
 * The documents of one split laid end to end, separated by a blank line.
 *
 * @param name      "train" or "val"
 * @param bytes     training tokens (byte values 0..255)
 * @param tags      tag id of each byte ({@link TagSet#NONE} for separators)
 * @param docStarts offset of each document's first byte
 * @param docIds    the documents, in order
 */
public record TextSplit(String name, byte[] bytes, short[] tags, int[] docStarts, List<String> docIds) {
    static final byte[] SEPARATOR = {'\n', '\n'};

    static TextSplit of(String name, List<TaggedDocument> docs) {
        int total = 0;
        for (TaggedDocument d : docs) {
            total += d.text().length + SEPARATOR.length;
        }
        byte[] bytes = new byte[total];
        short[] tags = new short[total];
        int[] starts = new int[docs.size()];
        int at = 0;
        for (int i = 0; i < docs.size(); i++) {
            TaggedDocument d = docs.get(i);
            starts[i] = at;
            System.arraycopy(d.text(), 0, bytes, at, d.text().length);
            System.arraycopy(d.tags(), 0, tags, at, d.tags().length);
            at += d.text().length;
            System.arraycopy(SEPARATOR, 0, bytes, at, SEPARATOR.length);
            at += SEPARATOR.length;
        }
        return new TextSplit(name, bytes, tags, starts, docs.stream().map(TaggedDocument::id).toList());
    }

    public int length() { return bytes.length; }

    /** The document containing byte {@code offset}. */
    public String documentAt(int offset) {
        int i = java.util.Arrays.binarySearch(docStarts, offset);
        return docIds.get(i >= 0 ? i : -i - 2);
    }

    /** Text of [from, to) as a string (for showing contexts). */
    public String text(int from, int to) {
        return new String(bytes, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
