package org.jdna.dna.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jdna.dna.config.ConfigJson;
import org.jdna.dna.config.Presets;
import org.jdna.dna.io.Checkpoint;
import org.jdna.dna.io.SafeTensors;
import org.jdna.dna.io.TensorData;

/**
 * Writes the valid starting points of the seed corpus: one small, well-formed file of each kind
 * (and the variants a parser treats differently: gzip or not, pax names, partial configs). The
 * regression inputs beside them (names starting with "regression-") are fuzzing findings, kept by hand.
 * Run from dna-model/library: {@code java -cp <test class path> org.jdna.dna.fuzz.SeedCorpus}.
 */
final class SeedCorpus {
    private static final Path ROOT = Path.of("src/test/resources/org/jdna/dna/fuzz");

    private SeedCorpus() {}

    public static void main(String[] args) throws IOException {
        safetensors();
        checkpoint();
        idx();
        tarGz();
        config();
        metrics();
    }

    private static void safetensors() throws IOException {
        Path dir = inputs("SafeTensorsFuzzTest", "safetensorsFile");
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("blocks.0.attn.qkv.weight",
                new TensorData(new int[]{2, 3}, new float[]{1, -2, 0.5f, Float.NaN, 0, 3}));
        tensors.put("scalar", new TensorData(new int[]{}, new float[]{3.5f}));
        tensors.put("empty", new TensorData(new int[]{0, 4}, new float[0]));
        SafeTensors.write(dir.resolve("tensors-and-metadata"), tensors, Map.of("format", "pt", "step", "3"));
        SafeTensors.write(dir.resolve("one-tensor"), Map.of("w", new TensorData(new int[]{1}, new float[]{1})), null);
        SafeTensors.write(dir.resolve("no-tensors"), Map.of(), null);
    }

    private static void checkpoint() throws IOException {
        Path dir = inputs("CheckpointFuzzTest", "checkpointFolder");
        Map<String, byte[]> valid = CheckpointFuzzTest.validCheckpoint();
        for (int i = 0; i < CheckpointFuzzTest.FUZZED.size(); i++) {
            String name = CheckpointFuzzTest.FUZZED.get(i);
            byte[] content = name.equals("state-fields") ? CheckpointFuzzTest.stateFields(valid.get(Checkpoint.STATE))
                    : valid.get(name);
            Files.write(dir.resolve(name), withMode(i, content));
        }
    }

    private static void idx() throws IOException {
        Path dir = inputs("IdxFuzzTest", "idxFile");
        byte[] labels = idx(new int[]{10}, new byte[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        byte[] pixels = new byte[2 * 3 * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 14);
        }
        byte[] images = idx(new int[]{2, 3, 3}, pixels);
        Files.write(dir.resolve("labels-idx1"), labels);
        Files.write(dir.resolve("images-idx3"), images);
        Files.write(dir.resolve("labels-idx1.gz"), ParserContract.gzip(labels));
        Files.write(dir.resolve("images-idx3.gz"), ParserContract.gzip(images));
    }

    /** An unsigned-byte IDX file: magic 00 00 08 rank, big-endian dims, then the data. */
    private static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(data).array();
    }

    private static void tarGz() throws IOException {
        Path dir = inputs("TarGzFuzzTest", "tarArchive");
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        tarEntry(tar, "package/brown/ca01", '0', "The/at Fulton/np-tl County/nn-tl\n".getBytes(StandardCharsets.UTF_8));
        tarEntry(tar, "package/brown", '5', new byte[0]);
        tarEntry(tar, "package/brown/cats.txt", '0', "ca01 news\n".getBytes(StandardCharsets.UTF_8));
        tar.writeBytes(new byte[1024]);
        Files.write(dir.resolve("files.tar"), withMode(0, tar.toByteArray()));
        Files.write(dir.resolve("files-checksums-fixed.tar"), withMode(1, tar.toByteArray()));
        Files.write(dir.resolve("files.tgz"), withMode(2, ParserContract.gzip(tar.toByteArray())));
        ByteArrayOutputStream pax = new ByteArrayOutputStream();
        String longName = "package/" + "long-folder-name/".repeat(8) + "ca02";
        String record = " path=" + longName + "\n";
        String sized = (record.length() + 3) + record;
        tarEntry(pax, "PaxHeader/ca02", 'x', sized.getBytes(StandardCharsets.UTF_8));
        tarEntry(pax, "ca02", '0', "It/pps recommended/vbd\n".getBytes(StandardCharsets.UTF_8));
        pax.writeBytes(new byte[1024]);
        Files.write(dir.resolve("pax-long-name.tar"), withMode(1, pax.toByteArray()));
    }

    private static byte[] withMode(int mode, byte[] bytes) {
        byte[] seed = new byte[bytes.length + 1];
        seed[0] = (byte) mode;
        System.arraycopy(bytes, 0, seed, 1, bytes.length);
        return seed;
    }

    /** One ustar header (name, mode, size, checksum, type, magic) and the data padded to 512 bytes. */
    private static void tarEntry(ByteArrayOutputStream out, String name, char type, byte[] data) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", data.length));
        put(h, 136, "00000000000");
        h[156] = (byte) type;
        put(h, 257, "ustar");
        put(h, 263, "00");
        long sum = 0;
        for (int i = 0; i < h.length; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xFF);
        }
        put(h, 148, String.format("%06o", sum));
        h[155] = ' ';
        out.writeBytes(h);
        out.writeBytes(data);
        out.writeBytes(new byte[(512 - data.length % 512) % 512]);
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, h, off, b.length);
    }

    private static void config() throws IOException {
        Path dir = inputs("ConfigFuzzTest", "configFile");
        for (String preset : List.of("dna-top2", "vision-dna-top1")) {
            Files.writeString(dir.resolve("saved-" + preset + ".json"), ConfigJson.toJson(Presets.get(preset)));
        }
        Files.writeString(dir.resolve("partial.json"), """
                {"preset": "dense", "model": {"width": 64, "heads": 4}, "train": {"steps": 10, "lr": 0.001},
                 "data": {"dataset": "synthetic-text"}}
                """);
    }

    private static void metrics() throws IOException {
        Path dir = inputs("MetricsLogFuzzTest", "metricsFile");
        List<String> records = List.of(
                "{\"type\":\"start\",\"step\":0,\"backend\":\"reference\",\"totalParams\":12345}",
                "{\"type\":\"step\",\"step\":1,\"loss\":5.5,\"identityFraction\":[0.25,0.5],"
                        + "\"moduleUsage\":[[0.1,0.9]],\"lr\":0.001}",
                "{\"type\":\"eval\",\"step\":1,\"valLoss\":\"NaN\",\"valAccuracy\":0.125}",
                "{\"type\":\"summary\",\"step\":1,\"stopped\":false,\"extra\":{\"k\":\"v\"}}");
        Files.writeString(dir.resolve("run.jsonl"), String.join("\n", records) + "\n");
        Files.writeString(dir.resolve("garbage-line.jsonl"), records.getFirst() + "\n\u0000\u0000garbage{\"step\"\n"
                + String.join("\n", records.subList(1, records.size())) + "\n{\"type\": \"step\", \"st");
    }

    private static Path inputs(String testClass, String method) throws IOException {
        return Files.createDirectories(ROOT.resolve(testClass + "Inputs").resolve(method));
    }
}
