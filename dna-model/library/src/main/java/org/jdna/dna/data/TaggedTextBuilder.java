package org.jdna.dna.data;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * Turns a sequence of tokenised words into readable text with a per-byte tag array: no space before
 * closing punctuation, none after an opening quote or bracket, Brown's {@code ``} and {@code ''} become {@code "}.
 */
final class TaggedTextBuilder {
    private static final Set<String> NO_SPACE_BEFORE = Set.of(",", ".", ";", ":", "?", "!", ")", "''", "'", "...");
    private static final Set<String> NO_SPACE_AFTER = Set.of("``", "(");

    private final ByteArrayOutputStream text = new ByteArrayOutputStream();
    private short[] tags = new short[1024];
    private boolean spaceAllowed;

    /** Appends one word and its tag. */
    TaggedTextBuilder word(String word, short tag) {
        String shown = word.equals("``") || word.equals("''") ? "\"" : word;
        if (spaceAllowed && !NO_SPACE_BEFORE.contains(word)) {
            append((byte) ' ', TagSet.NONE);
        }
        for (byte b : shown.getBytes(StandardCharsets.ISO_8859_1)) {
            append(b, tag);
        }
        spaceAllowed = !NO_SPACE_AFTER.contains(word);
        return this;
    }

    /** Ends a paragraph with a line break. */
    TaggedTextBuilder paragraph() {
        if (text.size() > 0) {
            append((byte) '\n', TagSet.NONE);
        }
        spaceAllowed = false;
        return this;
    }

    boolean isEmpty() { return text.size() == 0; }

    TaggedDocument build(String id, String genre) {
        byte[] bytes = text.toByteArray();
        int n = bytes.length;
        while (n > 0 && bytes[n - 1] == '\n') {
            n--;
        }
        return new TaggedDocument(id, genre, Arrays.copyOf(bytes, n), Arrays.copyOf(tags, n));
    }

    private void append(byte b, short tag) {
        if (text.size() == tags.length) {
            tags = Arrays.copyOf(tags, tags.length * 2);
        }
        tags[text.size()] = tag;
        text.write(b);
    }
}
