package org.jdna.dna.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.jdna.dna.io.MetricsLog;

/**
 * A metrics.jsonl copied from another machine or damaged on disk: {@link MetricsLog#read} never
 * throws for its content; it returns the lines that are JSON objects and reports each other line as
 * file:line (at most ten, then a count).
 */
class MetricsLogFuzzTest {
    private static final Path FILE = ParserContract.scratch("metrics").resolve("metrics.jsonl");

    @FuzzTest(maxDuration = "5s")
    void metricsFile(byte[] input) throws IOException {
        Files.write(FILE, input);
        List<String> reports = new ArrayList<>();
        ParserContract.check(input.length, "", List.of(), () -> {
            reports.clear();
            List<Map<String, Object>> records = MetricsLog.read(FILE, reports::add);
            records.forEach(r -> assertNotNull(r, "a record"));
            for (String r : reports) {
                assertTrue(r.startsWith(FILE + ":"), "a report names the file (and line): " + r);
            }
            assertTrue(reports.size() <= 11, reports.size() + " reports");
        });
    }
}
