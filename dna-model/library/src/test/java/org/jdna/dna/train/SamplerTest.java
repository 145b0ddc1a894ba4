package org.jdna.dna.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generation streams: any byte count runs in constant memory, the same seed gives the same bytes. */
class SamplerTest {
    @TempDir
    Path tmp;

    /** Stops a generation from the consumer's side. */
    private static final class Enough extends RuntimeException {
        Enough() {
            super(null, null, false, false);
        }
    }

    @Test
    void theLargestCountStreamsInsteadOfAllocatingIt() {
        Trainer.run(TinyRuns.config(tmp.resolve("run"), 1), TinyRuns.quietOptions());
        TrainedModel m = TrainedModel.load(tmp.resolve("run"), "reference", 0);
        byte[] prompt = "a prompt longer than the sixteen-byte window".getBytes(StandardCharsets.UTF_8);
        List<Integer> drawn = new ArrayList<>();
        Enough enough = new Enough();
        RuntimeException stopped = assertThrows(RuntimeException.class, () -> Sampler.generate(m.model(), prompt,
                new Sampler.Settings(Integer.MAX_VALUE, 0.8, 40, 5), b -> {
                    drawn.add(b);
                    if (drawn.size() == 20) {
                        throw enough;
                    }
                }));
        assertSame(enough, stopped, "the consumer stopped it after 20 bytes");

        List<Integer> again = new ArrayList<>();
        Sampler.generate(m.model(), prompt, new Sampler.Settings(20, 0.8, 40, 5), again::add);
        assertEquals(drawn, again, "the same seed draws the same bytes, whatever the count asked for");
    }

    /** Side-by-side streams: the first is the single stream's text, the others are their own draws. */
    @Test
    void streamsDrawnSideBySideBeginWithTheSingleStream() {
        Trainer.run(TinyRuns.config(tmp.resolve("run"), 1), TinyRuns.quietOptions());
        TrainedModel m = TrainedModel.load(tmp.resolve("run"), "reference", 0);
        byte[] prompt = "the ".getBytes(StandardCharsets.UTF_8);
        Sampler.Settings settings = new Sampler.Settings(30, 0.8, 40, 5);  // past the 16-byte window
        List<Integer> single = new ArrayList<>();
        Sampler.generate(m.model(), prompt, settings, single::add);
        List<List<Integer>> streams = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        Sampler.generate(m.model(), prompt, settings, 3, (i, b) -> streams.get(i).add(b));
        assertEquals(single, streams.get(0));
        assertEquals(30, streams.get(2).size());
        assertNotEquals(streams.get(1), streams.get(2), "each stream draws with its own generator");
        assertThrows(IllegalArgumentException.class, () -> Sampler.generate(m.model(), prompt, settings, 0, (i, b) -> { }));
    }
}
