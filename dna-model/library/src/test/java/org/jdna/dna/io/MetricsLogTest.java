package org.jdna.dna.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
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

    @Test
    void aGarbageLineIsSkippedAndReportedWithFileAndLine() throws IOException {
        Path f = dir.resolve("metrics.jsonl");
        byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, '{', '\n'};
        Files.writeString(f, """
                {"step": 1, "loss": 2.5}
                \u0000\u0000garbage from a bad sector
                {"step": 2, "loss": 2.25}{"step": 3, "loss": 2.0}
                null
                [1, 2]

                {"step": 4, "loss": 1.75}
                """);
        Files.write(f, notUtf8, StandardOpenOption.APPEND);
        Files.writeString(f, "{\"step\": 5, \"lo", StandardOpenOption.APPEND); // crash mid-line: no report
        List<String> reports = new ArrayList<>();
        List<Map<String, Object>> r = MetricsLog.read(f, reports::add);
        assertEquals(List.of(1, 4), r.stream().map(m -> m.get("step")).toList());
        String skipped = ": not a JSON object, skipped: ";
        assertEquals(List.of(f + ":2" + skipped + "??garbage from a bad sector",
                f + ":3" + skipped + "{\"step\": 2, \"loss\": 2.25}{\"step\": 3, \"loss\": 2.0}",
                f + ":4" + skipped + "null",
                f + ":5" + skipped + "[1, 2]",
                f + ":8" + skipped + "\ufffd\ufffd{"), reports);
    }

    @Test
    void manyBadLinesAreReportedTenThenCounted() throws IOException {
        Path f = dir.resolve("metrics.jsonl");
        Files.writeString(f, "{\"step\": 1}\n" + "x\n".repeat(25));
        List<String> reports = new ArrayList<>();
        assertEquals(1, MetricsLog.read(f, reports::add).size());
        assertEquals(11, reports.size());
        assertEquals(f + ": 15 more lines that are not JSON objects skipped", reports.getLast());
    }
}
