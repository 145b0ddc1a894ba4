package org.jdna.dna.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import org.jdna.dna.io.CorruptCheckpointException;
import org.jdna.dna.io.SafeTensors;
import org.jdna.dna.io.TensorData;

/**
 * A safetensors file from anywhere (a download, another tool, a damaged disk): {@link SafeTensors#read}
 * returns tensors whose shapes hold exactly their values and that fill the data exactly, or throws
 * {@link CorruptCheckpointException} naming the file.
 */
class SafeTensorsFuzzTest {
    private static final Path FILE = ParserContract.scratch("safetensors").resolve("model.safetensors");

    @FuzzTest(maxDuration = "5s")
    @DictionaryEntries({"\"dtype\"", "\"F32\"", "\"shape\"", "\"data_offsets\"", "\"__metadata__\"", "\"format\"",
            "\"pt\"", "4294967296", "65536", "2147483647", "-1", "[0,4]"})
    void safetensorsFile(byte[] input) throws IOException {
        Files.write(FILE, input);
        ParserContract.check(input.length, FILE.toString(), List.of(CorruptCheckpointException.class), () -> {
            SafeTensors.Contents c = SafeTensors.read(FILE);
            long bytes = 0;
            for (Map.Entry<String, TensorData> t : c.tensors().entrySet()) {
                BigInteger elements = BigInteger.ONE;
                for (int d : t.getValue().shape()) {
                    elements = elements.multiply(BigInteger.valueOf(d));
                }
                assertEquals(elements, BigInteger.valueOf(t.getValue().values().length),
                        t.getKey() + ": one value per element of shape " + Arrays.toString(t.getValue().shape()));
                bytes += 4L * t.getValue().values().length;
            }
            long header = input.length >= 8 ? java.nio.ByteBuffer.wrap(input, 0, 8)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong() : -1;
            assertEquals(input.length - 8 - header, bytes, "the tensors cover the data after the header exactly");
        });
    }
}
