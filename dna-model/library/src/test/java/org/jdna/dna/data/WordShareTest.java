package org.jdna.dna.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.jdna.engine.tensor.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The word share of known English text (high) and of letter soup (near 0), against a corpus' vocabulary. */
class WordShareTest {
    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Letter soup with English's letter frequencies and word lengths (3 to 8 letters), so only its spelling
     * differs from text.
     */
    private static byte[] soup(int words, long seed) {
        String letters = "eeeeeeeeeeeetttttttttaaaaaaaaooooooooiiiiiiinnnnnnnsssssshhhhhhrrrrrrddddlllluuucccmmwwffggyyppbbvkjxqz";
        Rng rng = new Rng(seed);
        StringBuilder sb = new StringBuilder();
        for (int w = 0; w < words; w++) {
            int n = 3 + rng.nextInt(6);
            for (int i = 0; i < n; i++) {
                sb.append(letters.charAt(rng.nextInt(letters.length())));
            }
            sb.append(w % 9 == 8 ? ". " : " ");
        }
        return bytes(sb.toString());
    }

    /** Can fail: counting 3-letter words, case, the prompt's words or a cut-off last word changes a count. */
    @Test
    void countsWordsOfFourOrMoreLettersAfterThePrompt() {
        WordShare v = WordShare.of(List.of("Quick", "brown", "jumps", "over", "lazy", "the", "dog"));
        assertEquals(new WordShare.Count(5, 5), v.count(bytes("The QUICK brown fox jumps over the lazy dog.")),
                "the, fox and dog are too short; case does not matter");
        assertEquals(new WordShare.Count(4, 2), v.count(bytes("quick-brwn 42jumps_ovr lazyish.")),
                "runs of letters split at anything else: quick brwn jumps ovr(short) lazyish");
        assertEquals(new WordShare.Count(3, 2), v.count(bytes("quick-brwn 42jumps_ovr lazyish")),
                "a word running into the end may be cut short: left out");
        byte[] sampled = bytes("The quick brown dog jumps ove");
        assertEquals(new WordShare.Count(2, 2), v.count(sampled, "The quick bro".length()),
                "the prompt 'The quick bro' was continued: brown and jumps count; 'ove' may be cut short: left out");
        assertEquals(new WordShare.Count(1, 1), v.count(sampled, "The quick brown".length()), "only 'jumps'");
        assertTrue(Double.isNaN(v.count(bytes("a cat. ")).share()), "no word counted: no share");
    }

    /** The Brown corpus' own text (the test fixture's five documents): English scores high, soup near 0. */
    @Test
    void englishScoresHighAndLetterSoupNearZeroAgainstBrown() throws IOException {
        TextCorpus brown = BrownCorpus.fromTarball(BrownCorpusTest.fixture(dir), 0.1);
        WordShare v = WordShare.of(brown);
        // a sentence written for this test from the fixture's words (not a line of it)
        WordShare.Count english = v.count(bytes("The jury said the investigation of the recent primary election"
                + " produced no evidence of irregularities; the Executive Committee deserves praise and thanks for"
                + " the manner in which it was conducted. "));
        assertEquals(17, english.words());
        assertTrue(english.share() >= 0.99, "English: " + english);
        WordShare.Count soup = v.count(soup(400, 1));
        assertTrue(soup.words() > 250, "soup words " + soup);
        assertTrue(soup.share() < 0.03, "letter soup: " + soup);
    }

    /** With synthetic data the vocabulary is the synthetic corpus' own: its grammar's sentences score 1. */
    @Test
    void theSyntheticCorpusHasItsOwnVocabulary() {
        TextCorpus synthetic = SyntheticText.generate(20_000, 0.1);
        WordShare v = WordShare.of(synthetic);
        assertTrue(v.vocabularySize() > 50 && v.vocabularySize() < 200, "a small grammar: " + v.vocabularySize());
        WordShare.Count grammar = v.count(bytes("The old farmer carried a heavy letter across the bridge, but they"
                + " never watched the gardens. "));
        assertEquals(new WordShare.Count(10, 10), grammar);
        assertEquals(new WordShare.Count(3, 1), v.count(bytes("Yesterday the jury watched. ")), "jury is not in it");
        assertTrue(v.count(soup(400, 2)).share() < 0.03, "letter soup");
    }
}
