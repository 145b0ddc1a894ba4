package org.jdna.dna.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Deterministic train/val split by document, stratified by genre: within each genre (documents in
 * name order), m = max(1, round(n * valFraction)) documents evenly spaced through the genre go to val.
 * No randomness, so every run and every machine gets the same split.
 */
public final class DocumentSplit {
    private DocumentSplit() {}

    public record Result(List<TaggedDocument> train, List<TaggedDocument> val) {}

    public static Result split(List<TaggedDocument> docs, double valFraction) {
        if (docs.size() < 2) {
            throw new IllegalArgumentException("DocumentSplit: need at least 2 documents to split, got " + docs.size());
        }
        Map<String, List<TaggedDocument>> byGenre = new TreeMap<>();
        for (TaggedDocument d : docs) {
            byGenre.computeIfAbsent(d.genre(), g -> new ArrayList<>()).add(d);
        }
        List<TaggedDocument> train = new ArrayList<>();
        List<TaggedDocument> val = new ArrayList<>();
        for (List<TaggedDocument> genre : byGenre.values()) {
            genre.sort((a, b) -> a.id().compareTo(b.id()));
            int n = genre.size();
            int m = n == 1 ? 0 : Math.max(1, (int) Math.round(n * valFraction));
            boolean[] held = new boolean[n];
            for (int j = 0; j < m; j++) {
                held[(int) ((j + 0.5) * n / m)] = true;
            }
            for (int i = 0; i < n; i++) {
                (held[i] ? val : train).add(genre.get(i));
            }
        }
        if (val.isEmpty()) {
            val.add(train.removeLast());
        }
        return new Result(train, val);
    }
}
