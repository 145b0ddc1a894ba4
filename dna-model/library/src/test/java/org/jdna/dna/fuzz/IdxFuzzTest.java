package org.jdna.dna.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.jdna.dna.data.DataUnavailableException;
import org.jdna.dna.data.IdxReader;

/**
 * An IDX file (the MNIST format, plain or gzip) from a download or a mirror: {@link IdxReader#read}
 * returns exactly the elements its dimensions call for, or throws {@link DataUnavailableException}
 * naming the file. Read at rank 1 (labels) and rank 3 (images), as Fashion-MNIST does.
 */
class IdxFuzzTest {
    private static final Path FILE = ParserContract.scratch("idx").resolve("train-images-idx3-ubyte");

    @FuzzTest(maxDuration = "5s")
    void idxFile(byte[] input) throws IOException {
        Files.write(FILE, input);
        long bytes = Math.max(input.length, ParserContract.gunzippedSize(input));
        for (int rank : new int[]{1, 3}) {
            ParserContract.check(bytes, FILE.toString(), List.of(DataUnavailableException.class), () -> {
                IdxReader.IdxArray a = IdxReader.read(FILE, rank);
                assertEquals(rank, a.dims().length);
                long elements = 1;
                for (int d : a.dims()) {
                    elements *= d;
                }
                assertEquals(elements, a.data().length, "one byte per element");
            });
        }
    }
}
