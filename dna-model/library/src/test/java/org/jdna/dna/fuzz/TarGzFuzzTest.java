package org.jdna.dna.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import org.jdna.dna.data.DataUnavailableException;
import org.jdna.dna.data.TarGz;

/**
 * A downloaded .tgz (the Brown corpus package): {@link TarGz#read} returns files no larger than the
 * archive holds, or throws {@link DataUnavailableException} naming the archive. An input is a mode
 * byte and a stream: 0 a tar stream that the target compresses, so that mutations reach the tar
 * headers; 1 the same with each header's checksum recomputed, so that they get past it to the
 * fields behind it (the size, the type, pax records); 2 the file's bytes as they are, for the gzip layer.
 */
class TarGzFuzzTest {
    private static final Path FILE = ParserContract.scratch("targz").resolve("brown.tgz");
    private static final int BLOCK = 512;

    @FuzzTest(maxDuration = "5s")
    @DictionaryEntries({"ustar\u000000", "ustar  \u0000", "00000001750", "77777777777", "-1", "path=", "0000644\u0000"})
    void tarArchive(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        int mode = (input[0] & 0xFF) % 3;
        byte[] stream = Arrays.copyOfRange(input, 1, input.length);
        if (mode == 1) {
            fixChecksums(stream);
        }
        Files.write(FILE, mode == 2 ? stream : ParserContract.gzip(stream));
        long tarBytes = mode == 2 ? Math.max(stream.length, ParserContract.gunzippedSize(stream)) : stream.length;
        ParserContract.check(tarBytes, FILE.toString(), List.of(DataUnavailableException.class), () -> {
            Map<String, byte[]> files = TarGz.read(FILE, name -> true);
            long total = files.values().stream().mapToLong(b -> b.length).sum();
            assertTrue(total <= tarBytes, "files of " + total + " bytes from a " + tarBytes + "-byte tar stream");
        });
    }

    /** Rewrites the checksum of each header, walking from header to header by the size fields while they parse. */
    static void fixChecksums(byte[] tar) {
        for (int at = 0; at + BLOCK <= tar.length; ) {
            long sum = 0;
            for (int i = 0; i < BLOCK; i++) {
                sum += (i >= 148 && i < 156) ? ' ' : (tar[at + i] & 0xFF);
            }
            byte[] field = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(field, 0, tar, at + 148, 8);
            String size = new String(tar, at + 124, 12, StandardCharsets.US_ASCII).replace("\0", " ").trim();
            long bytes;
            try {
                bytes = size.isEmpty() ? 0 : Long.parseLong(size, 8);
            } catch (NumberFormatException e) {
                return;
            }
            if (bytes < 0 || bytes > tar.length) {
                return;
            }
            at += BLOCK + (int) ((bytes + BLOCK - 1) / BLOCK * BLOCK);
        }
    }
}
