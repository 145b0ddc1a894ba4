package org.jdna.dna.data;

import java.util.ArrayList;
import java.util.List;

import org.jdna.engine.tensor.Rng;

/**
 * A deterministic stand-in for the Brown corpus when it cannot be fetched: English-like sentences
 * from a small stochastic grammar with number agreement (singular subjects take "runs", plural ones
 * "run"), optional adjectives, prepositional phrases and coordination, tagged with Brown tags so the
 * same analysis runs on it. Always the same text for the same size.
 */
public final class SyntheticText {
    public static final String NAME = "synthetic-text";
    private static final long SEED = 0x5EED_7E47L;

    private static final String[] DETERMINERS = {"the", "a", "every", "this"};
    private static final String[] ADJECTIVES = {"small", "red", "old", "quiet", "bright", "heavy", "happy", "green",
            "strange", "gentle"};
    private static final String[] NOUNS = {"dog", "river", "teacher", "machine", "city", "garden", "letter", "window",
            "farmer", "bridge", "song", "engine"};
    private static final String[] VERBS = {"see", "like", "build", "find", "open", "follow", "watch", "carry", "paint",
            "remember"};
    private static final String[] PAST = {"saw", "liked", "built", "found", "opened", "followed", "watched", "carried",
            "painted", "remembered"};
    private static final String[] ADVERBS = {"slowly", "often", "quietly", "never", "again", "carefully"};
    private static final String[] PREPOSITIONS = {"near", "under", "with", "behind", "across"};
    private static final String[] CONJUNCTIONS = {"and", "but"};
    private static final String[] PLURAL_PRONOUNS = {"they", "we"};
    private static final String[] SINGULAR_PRONOUNS = {"he", "she", "it"};

    private final Rng rng = new Rng(SEED);
    private final TagSet tags = new TagSet();
    private TaggedTextBuilder out;
    private boolean capitalize;

    private SyntheticText() {}

    /** About {@code bytes} bytes of text in documents of a few paragraphs, split by document. */
    public static TextCorpus generate(int bytes, double valFraction) {
        SyntheticText g = new SyntheticText();
        List<TaggedDocument> docs = new ArrayList<>();
        int total = 0;
        while (total < bytes || docs.size() < 4) {
            TaggedDocument d = g.document(String.format("syn%04d", docs.size()));
            docs.add(d);
            total += d.text().length + TextSplit.SEPARATOR.length;
        }
        DocumentSplit.Result split = DocumentSplit.split(docs, valFraction);
        String source = "synthetic grammar (" + docs.size() + " documents, " + total + " bytes)";
        return new TextCorpus(NAME, source, TextSplit.of("train", split.train()), TextSplit.of("val", split.val()),
                g.tags);
    }

    private TaggedDocument document(String id) {
        out = new TaggedTextBuilder();
        int paragraphs = 3 + rng.nextInt(5);
        for (int p = 0; p < paragraphs; p++) {
            int sentences = 2 + rng.nextInt(5);
            for (int s = 0; s < sentences; s++) {
                sentence();
            }
            out.paragraph();
        }
        return out.build(id, "s");
    }

    private void sentence() {
        capitalize = true;
        clause();
        if (rng.nextInt(4) == 0) {
            word(",", ",");
            word(pick(CONJUNCTIONS), "cc");
            clause();
        }
        word(".", ".");
    }

    private void clause() {
        boolean plural = rng.nextInt(2) == 0;
        subject(plural);
        switch (rng.nextInt(3)) {
            case 0 -> {
                int v = rng.nextInt(VERBS.length);
                word(plural ? VERBS[v] : VERBS[v] + (VERBS[v].endsWith("y") ? "" : "s"), plural ? "vb" : "vbz");
            }
            case 1 -> word(pick(PAST), "vbd");
            default -> {
                word(plural ? "will" : "can", "md");
                word(pick(VERBS), "vb");
            }
        }
        nounPhrase(rng.nextInt(2) == 0);
        if (rng.nextInt(3) == 0) {
            word(pick(PREPOSITIONS), "in");
            nounPhrase(rng.nextInt(3) == 0);
        }
        if (rng.nextInt(4) == 0) {
            word(pick(ADVERBS), "rb");
        }
    }

    private void subject(boolean plural) {
        if (rng.nextInt(4) == 0) {
            word(plural ? pick(PLURAL_PRONOUNS) : pick(SINGULAR_PRONOUNS), plural ? "ppss" : "pps");
        } else {
            nounPhrase(plural);
        }
    }

    private void nounPhrase(boolean plural) {
        if (plural) {
            if (rng.nextInt(2) == 0) {
                word(rng.nextInt(2) == 0 ? "the" : "some", rng.nextInt(2) == 0 ? "at" : "dti");
            }
        } else {
            word(pick(DETERMINERS), "at");
        }
        if (rng.nextInt(3) == 0) {
            word(pick(ADJECTIVES), "jj");
        }
        String noun = pick(NOUNS);
        word(plural ? noun + "s" : noun, plural ? "nns" : "nn");
    }

    private void word(String w, String tag) {
        String shown = capitalize ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w;
        capitalize = false;
        out.word(shown, tags.intern(tag));
    }

    private String pick(String[] words) {
        return words[rng.nextInt(words.length)];
    }
}
