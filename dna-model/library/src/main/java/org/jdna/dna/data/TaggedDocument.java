package org.jdna.dna.data;

/**
 * One document as training bytes with, beside each byte, the tag of the word it belongs to
 * ({@link TagSet#NONE} for spaces and line breaks).
 *
 * @param id    document name ("ca01")
 * @param genre group used to stratify the train/val split ("a" = press reportage)
 * @param text  the document as ASCII bytes, words detokenised ("election, ``no'' -> election, "no")
 * @param tags  tag id of each byte, same length as text
 */
public record TaggedDocument(String id, String genre, byte[] text, short[] tags) {
    public TaggedDocument {
        if (text.length != tags.length) {
            throw new IllegalArgumentException("TaggedDocument " + id + ": " + text.length + " bytes but "
                    + tags.length + " tags");
        }
    }
}
