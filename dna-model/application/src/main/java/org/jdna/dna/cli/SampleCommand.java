package org.jdna.dna.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.jdna.dna.config.ConfigException;
import org.jdna.dna.config.Task;
import org.jdna.dna.data.TextCorpus;
import org.jdna.dna.data.WordShare;
import org.jdna.dna.train.Sampler;
import org.jdna.dna.train.TextSample;
import org.jdna.dna.train.TrainedModel;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code jdna sample CHECKPOINT --prompt TEXT}: continues a prompt byte by byte and prints it as it goes. */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "Generate text from a prompt.")
final class SampleCommand implements Callable<Integer> {
    @Option(names = "--prompt", paramLabel = "TEXT", description = "text to continue (default: none, start of a document)")
    String prompt = "";

    // The defaults are those of the sample every language run ends with (TextSample).
    @Option(names = "--tokens", paramLabel = "N", description = "bytes to generate (default: ${DEFAULT-VALUE})")
    int tokens = TextSample.SETTINGS.tokens();

    @Option(names = "--temperature", paramLabel = "T", description = "softmax temperature, 0 = greedy (default: ${DEFAULT-VALUE})")
    double temperature = TextSample.SETTINGS.temperature();

    @Option(names = "--top-k", paramLabel = "K", description = "draw among the K most likely bytes, 0 = all (default: ${DEFAULT-VALUE})")
    int topK = TextSample.SETTINGS.topK();

    @Option(names = "--seed", paramLabel = "N", description = "seed of the draws (default: ${DEFAULT-VALUE})")
    long seed = TextSample.SETTINGS.seed();

    @Option(names = "--word-share", description = "after the text, print its word share on stderr: of the generated"
            + " words of 4+ letters, the share found in the run's training corpus (loads the corpus)")
    boolean wordShare;

    @Mixin
    LoadOptions run;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Sampler.Settings settings;
        try {
            settings = new Sampler.Settings(tokens, temperature, topK, seed);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        LoadOptions.Loaded loaded = run.load();
        TrainedModel m = loaded.run();
        PrintWriter out = loaded.out();
        PrintWriter err = loaded.err();
        if (m.config().model().task() != Task.LANGUAGE) {
            throw new ConfigException("sample: " + m.checkpoint() + " is a " + m.config().model().task().jsonName()
                    + " model; only language models generate text");
        }
        err.printf("sampling %d bytes from %s (step %d), temperature %s, top-k %d, seed %d%n", tokens, m.checkpoint(),
                m.state().step(), temperature, topK, seed);
        err.flush();
        byte[] promptBytes = prompt.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        text.writeBytes(promptBytes);
        out.print(prompt);
        out.flush();
        Sampler.generate(m.model(), promptBytes, settings, b -> {
            text.write(b);
            out.print(printable(b));
            out.flush();
        });
        out.println();
        out.flush();
        if (wordShare) {
            TextCorpus corpus = loaded.datasets().text(m.config().data());
            WordShare.Count c = WordShare.of(corpus).count(text.toByteArray(), promptBytes.length);
            err.printf(Locale.ROOT, "word share: %s of %d generated words of %d+ letters are in the vocabulary of %s%n",
                    c.words() == 0 ? "-" : String.format(Locale.ROOT, "%.1f%% (%d)", 100 * c.share(), c.found()),
                    c.words(), WordShare.MIN_LETTERS, corpus.name());
            err.flush();
        }
        return 0;
    }

    /** A byte as a character (the corpus is Latin-1 text); control bytes other than newline and tab as U+FFFD. */
    static char printable(int b) {
        return (b < 32 && b != '\n' && b != '\t') || b == 127 ? '\uFFFD' : (char) b;
    }
}
