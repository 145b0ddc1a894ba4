package org.jdna.dna.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {
    @TempDir
    Path dir;

    @Test
    void oneFlushedObjectPerLine() throws IOException {
        Path f = dir.resolve("run/metrics.jsonl");
        try (MetricsLog log = MetricsLog.open(f, false)) {
            log.log(Map.of("step", 1, "loss", 2.5));
            // readable before close: each line is flushed
            assertEquals(1, Files.readAllLines(f).size());
            log.log(Map.of("step", 2, "identityFraction", List.of(0.25, 0.5), "loss", Double.NaN));
        }
        try (MetricsLog log = MetricsLog.open(f, true)) {
            log.log(Map.of("step", 3, "split", "val"));
        }
        Files.writeString(f, "{\"step\": 4, \"lo", StandardOpenOption.APPEND); // crash mid-line
        List<Map<String, Object>> r = MetricsLog.read(f);
        assertEquals(3, r.size());
        assertEquals(2.5, r.get(0).get("loss"));
        assertEquals(List.of(0.25, 0.5), r.get(1).get("identityFraction"));
        assertEquals("NaN", r.get(1).get("loss"));
        assertEquals("val", r.get(2).get("split"));
        try (MetricsLog log = MetricsLog.open(f, false)) {
            log.log(Map.of("step", 1));
        }
        assertEquals(1, MetricsLog.read(f).size());
    }
}
