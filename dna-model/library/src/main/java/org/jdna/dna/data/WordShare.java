package org.jdna.dna.data;

import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * How much of a generated text is words of the training corpus: of the words of {@link #MIN_LETTERS} or
 * more letters, the share found in the corpus' own vocabulary. A word is a maximal run of ASCII letters,
 * compared lower-case; shorter words are left out because short letter runs are words by chance (of the
 * 26^3 three-letter strings, a corpus spells a good share). English text from the corpus' domain scores
 * close to 1, letter soup close to 0, and a byte-level model in between as it learns to spell.
 */
public final class WordShare {
    public static final int MIN_LETTERS = 4;

    private final Set<String> vocabulary;

    /**
     * The counts of one text.
     *
     * @param words words of {@link #MIN_LETTERS}+ letters counted
     * @param found those in the vocabulary
     */
    public record Count(int words, int found) {
        /** found / words; NaN when no word was counted. */
        public double share() {
            return words == 0 ? Double.NaN : found / (double) words;
        }
    }

    private WordShare(Set<String> vocabulary) {
        this.vocabulary = vocabulary;
    }

    /** The vocabulary of both splits of {@code corpus} (every word, whatever its length). */
    public static WordShare of(TextCorpus corpus) {
        Set<String> words = new HashSet<>();
        addWords(corpus.train().bytes(), words);
        addWords(corpus.val().bytes(), words);
        return new WordShare(words);
    }

    /** A given vocabulary (compared lower-case). */
    public static WordShare of(Collection<String> words) {
        Set<String> lower = new HashSet<>();
        for (String w : words) {
            lower.add(w.toLowerCase(Locale.ROOT));
        }
        return new WordShare(lower);
    }

    /** Distinct words of the vocabulary. */
    public int vocabularySize() {
        return vocabulary.size();
    }

    /** The words of all of {@code text}; a word running into the end may be cut short and is left out. */
    public Count count(byte[] text) {
        return count(text, 0);
    }

    /**
     * The words of {@code text} that end after byte {@code from} (a prompt's own words are not counted when
     * {@code from} is the prompt's length; a word the continuation finishes is). A word running into the end
     * of the text may be cut short and is left out.
     */
    public Count count(byte[] text, int from) {
        int[] words = new int[1];
        int[] found = new int[1];
        forEachWord(text, (start, end) -> {
            if (end == text.length || end <= from || end - start < MIN_LETTERS) {
                return;
            }
            words[0]++;
            found[0] += vocabulary.contains(lower(text, start, end)) ? 1 : 0;
        });
        return new Count(words[0], found[0]);
    }

    private static void addWords(byte[] text, Set<String> into) {
        forEachWord(text, (start, end) -> into.add(lower(text, start, end)));
    }

    /** Calls {@code word} with [start, end) of every maximal run of letters in {@code text}, in order. */
    private static void forEachWord(byte[] text, BiConsumer<Integer, Integer> word) {
        int i = 0;
        while (i < text.length) {
            if (!isLetter(text[i])) {
                i++;
                continue;
            }
            int start = i;
            while (i < text.length && isLetter(text[i])) {
                i++;
            }
            word.accept(start, i);
        }
    }

    private static boolean isLetter(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
    }

    private static String lower(byte[] text, int from, int to) {
        char[] c = new char[to - from];
        for (int i = from; i < to; i++) {
            byte b = text[i];
            c[i - from] = (char) (b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b);
        }
        return new String(c);
    }
}
