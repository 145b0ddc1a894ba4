package org.jdna.dna.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.backend.Backends;
import org.jdna.engine.tensor.Rng;
import org.jdna.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    static Map<String, TensorData> sample() {
        Rng rng = new Rng(7);
        float[] w = new float[3 * 5];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rng.nextGaussian();
        }
        w[0] = -0.0f;
        w[1] = Float.MIN_VALUE;
        w[2] = Float.MAX_VALUE;
        w[3] = Float.NaN;
        w[4] = Float.NEGATIVE_INFINITY;
        w[5] = Float.intBitsToFloat(0x7fc00123); // a NaN with a payload
        Map<String, TensorData> m = new LinkedHashMap<>();
        m.put("blocks.0.attn.qkv.weight", new TensorData(new int[]{3, 5}, w));
        m.put("scalar", new TensorData(new int[]{}, new float[]{3.5f}));
        m.put("empty", new TensorData(new int[]{0, 4}, new float[0]));
        m.put("bias", new TensorData(new int[]{2}, new float[]{1f, -2f}));
        return m;
    }

    static void assertBitExact(Map<String, TensorData> want, Map<String, TensorData> got) {
        assertEquals(List.copyOf(want.keySet()), List.copyOf(got.keySet()));
        for (String k : want.keySet()) {
            assertArrayEquals(want.get(k).shape(), got.get(k).shape(), k);
            float[] a = want.get(k).values();
            float[] b = got.get(k).values();
            for (int i = 0; i < a.length; i++) {
                assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), k + "[" + i + "]");
            }
        }
    }

    @Test
    void roundTripIsBitExactAndKeepsOrderAndMetadata() {
        Path f = dir.resolve("t.safetensors");
        SafeTensors.write(f, sample(), Map.of("format", "pt", "step", "12"));
        SafeTensors.Contents c = SafeTensors.read(f);
        assertBitExact(sample(), c.tensors());
        assertEquals(Map.of("format", "pt", "step", "12"), c.metadata());
    }

    @Test
    void engineTensorsRoundTrip() {
        Backend ref = Backends.get("reference");
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("w", Tensor.of(ref, new float[]{1, 2, 3, 4, 5, 6}, 2, 3));
        Path f = dir.resolve("e.safetensors");
        SafeTensors.writeTensors(f, m, Map.of());
        Map<String, Tensor> back = SafeTensors.readTensors(f, ref);
        assertArrayEquals(new int[]{2, 3}, back.get("w").shape());
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, back.get("w").toArray());
    }

    /** The byte layout of the specification, checked by hand on a one-tensor file. */
    @Test
    void layoutFollowsTheSpecification() throws IOException {
        Path f = dir.resolve("one.safetensors");
        SafeTensors.write(f, Map.of("x", new TensorData(new int[]{2}, new float[]{1f, -2f})), Map.of());
        byte[] b = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header padded to 8 bytes");
        String header = new String(b, 8, (int) n, StandardCharsets.UTF_8);
        assertEquals("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", header.strip());
        assertEquals(8 + n + 8, b.length);
        // 1.0f = 0x3f800000 and -2.0f = 0xc0000000, little-endian
        assertArrayEquals(new byte[]{0, 0, (byte) 0x80, 0x3f, 0, 0, 0, (byte) 0xc0},
                Arrays.copyOfRange(b, b.length - 8, b.length));
    }

    @Test
    void everyInconsistencyIsRefusedNamingTheFile() throws IOException {
        Path f = dir.resolve("t.safetensors");
        SafeTensors.write(f, sample(), Map.of());
        byte[] good = Files.readAllBytes(f);

        assertRefused(write("short", Arrays.copyOf(good, 5)), "too short for a safetensors header");
        assertRefused(write("cut-header", Arrays.copyOf(good, 40)), "runs past the end of the file");
        assertRefused(write("cut-data", Arrays.copyOf(good, good.length - 4)), "past the end of the data");
        assertRefused(write("long", Arrays.copyOf(good, good.length + 8)), "the file has");
        assertRefused(write("huge", withLength(good, 1L << 40)), "is not plausible");
        assertRefused(write("zero", withLength(good, 0)), "is not plausible");
        assertRefused(write("bad-json", header("{\"x\": [", new byte[0])), "not valid JSON");
        assertRefused(write("f16", header("{\"x\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[4])),
                "has dtype 'F16'");
        assertRefused(write("lies-size", header("{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}",
                new byte[8])), "holding 8 bytes, but shape [3] of F32 needs 12");
        assertRefused(write("lies-past", header("{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}",
                new byte[8])), "past the end of the data (8 bytes)");
        assertRefused(write("overlap", header("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8])), "gap or overlap");
        assertRefused(write("reversed", header("{\"x\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}",
                new byte[8])), "need 0 <= begin <= end");
        assertRefused(write("wraps", header("{\"x\":{\"dtype\":\"F32\",\"shape\":[65536,65536,65536,65536],"
                + "\"data_offsets\":[0,0]}}", new byte[0])), "more values than any file holds");
        assertRefused(write("fraction", header("{\"x\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}",
                new byte[4])), "bad shape [1.5]");
        assertRefused(write("text-offset", header("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],"
                + "\"data_offsets\":[0,\"4\"]}}", new byte[4])), "need 0 <= begin <= end");
        assertRefused(dir.resolve("absent.safetensors"), "is missing");
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name + ".safetensors"), bytes);
    }

    private static byte[] withLength(byte[] file, long n) {
        byte[] c = file.clone();
        ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
        return c;
    }

    private static byte[] header(String json, byte[] data) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return b.array();
    }

    private static void assertRefused(Path p, String expected) {
        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class, () -> SafeTensors.read(p));
        assertTrue(e.getMessage().contains(p.toString()), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' lacks '" + expected + "'");
    }
}
