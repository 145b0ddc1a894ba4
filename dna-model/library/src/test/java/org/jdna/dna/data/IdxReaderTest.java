package org.jdna.dna.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.jdna.dna.config.DataConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    /** An IDX file: magic 00 00 type rank, big-endian dims, then data. */
    static byte[] idx(int type, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(raw);
        }
        return out.toByteArray();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static byte[] ramp(int n) {
        byte[] d = new byte[n];
        for (int i = 0; i < n; i++) {
            d[i] = (byte) i;
        }
        return d;
    }

    @Test
    void readsPlainAndGzip() throws IOException {
        byte[] data = ramp(2 * 3 * 4);
        byte[] file = idx(0x08, new int[]{2, 3, 4}, data);
        for (Path p : List.of(write("a-idx3-ubyte", file), write("a-idx3-ubyte.gz", gzip(file)))) {
            IdxReader.IdxArray a = IdxReader.read(p, 3);
            assertArrayEquals(new int[]{2, 3, 4}, a.dims());
            assertArrayEquals(data, a.data());
            assertEquals(2, a.count());
        }
    }

    @Test
    void everyMalformationIsNamed() throws IOException {
        byte[] good = idx(0x08, new int[]{2, 3, 4}, ramp(24));
        assertRefused(write("magic", concat(new byte[]{1, 0}, Arrays.copyOfRange(good, 2, good.length))), 3,
                "bad IDX magic number 01 00 08 03");
        assertRefused(write("float", idx(0x0D, new int[]{2, 3, 4}, ramp(96))), 3, "element type 0x0d is not unsigned byte");
        assertRefused(write("rank", idx(0x08, new int[]{24}, ramp(24))), 3, "has 1 dimensions, expected 3");
        assertRefused(write("short-magic", new byte[]{0, 0}), 3, "truncated IDX header (2 of 4 magic bytes)");
        assertRefused(write("short-dims", Arrays.copyOf(good, 9)), 3, "truncated IDX header (5 of 12 dimension bytes)");
        assertRefused(write("short-data", Arrays.copyOf(good, good.length - 5)), 3,
                "truncated: dimensions [2, 3, 4] need 24 data bytes, the file has 19");
        assertRefused(write("long", concat(good, new byte[]{7, 7})), 3, "2 bytes after the 24 data bytes");
        assertRefused(write("zero", idx(0x08, new int[]{0, 3, 4}, new byte[0])), 3, "dimension 0 is 0");
        byte[] gz = gzip(good);
        assertRefused(write("cut.gz", Arrays.copyOf(gz, gz.length - 12)), 3, "truncated");
        assertRefused(dir.resolve("absent"), 3, "does not exist");
    }

    @Test
    void fashionMnistFolderChecksCountsAndLabels() throws IOException {
        write("train-images-idx3-ubyte.gz", gzip(idx(0x08, new int[]{10, 28, 28}, ramp(7840))));
        write("train-labels-idx1-ubyte.gz", gzip(idx(0x08, new int[]{10}, ramp(10))));
        write("t10k-images-idx3-ubyte", idx(0x08, new int[]{3, 28, 28}, ramp(3 * 784)));
        write("t10k-labels-idx1-ubyte", idx(0x08, new int[]{3}, ramp(3)));
        ImageDataset d = FashionMnist.fromFolder(dir, 0.2);
        assertEquals(8, d.train().count());
        assertEquals(2, d.val().count());
        assertEquals(3, d.test().count());
        assertEquals(9, d.val().label(1));
        assertEquals(28, d.train().width());

        write("t10k-labels-idx1-ubyte", idx(0x08, new int[]{4}, ramp(4)));
        DataUnavailableException e = assertThrows(DataUnavailableException.class, () -> FashionMnist.fromFolder(dir, 0.2));
        assertTrue(e.getMessage().contains("3 images but") && e.getMessage().contains("4 labels"), e.getMessage());

        write("t10k-labels-idx1-ubyte", idx(0x08, new int[]{3}, new byte[]{1, 12, 2}));
        e = assertThrows(DataUnavailableException.class, () -> FashionMnist.fromFolder(dir, 0.2));
        assertTrue(e.getMessage().contains("label 12 at index 1"), e.getMessage());
    }

    @Test
    void corruptCachedFilesFallBackToSyntheticImagesWithAnAnnouncement() throws IOException {
        Path folder = dir.resolve("cache/fashion-mnist/extracted/usr/share/datasets/fashion-mnist");
        Files.createDirectories(folder);
        Files.write(folder.resolve("train-images-idx3-ubyte.gz"), new byte[]{0x1f, (byte) 0x8b, 1});
        List<String> said = new java.util.ArrayList<>();
        DataConfig config = new DataConfig(DataConfig.FASHION_MNIST, dir.resolve("cache").toString(), 0.1, true, 300);
        ImageDataset d = ImageDatasets.load(config, said::add);
        assertEquals(SyntheticImages.NAME, d.name());
        assertEquals(1, said.size());
        assertTrue(said.getFirst().startsWith("fashion-mnist unavailable (")
                && said.getFirst().endsWith("): using the synthetic fallback data set"), said.getFirst());
        assertTrue(said.getFirst().contains("train-images-idx3-ubyte.gz"), said.getFirst());
    }

    @Test
    void syntheticImagesAreDeterministicAndBatchable() {
        ImageDataset a = SyntheticImages.generate(200, 0.1);
        ImageDataset b = SyntheticImages.generate(200, 0.1);
        assertArrayEquals(a.train().pixels(), b.train().pixels());
        assertEquals(180, a.train().count());
        assertEquals(20, a.val().count());
        ImageBatcher batcher = new ImageBatcher(a.train(), 5, new org.jdna.engine.tensor.Rng(3));
        long[] s = batcher.state();
        ImageBatcher.Batch first = batcher.next();
        batcher.restore(s);
        assertArrayEquals(first.indices(), batcher.next().indices());
        assertEquals(5 * 28 * 28, first.pixels().length);
        for (float p : first.pixels()) {
            assertTrue(p >= 0 && p <= 1);
        }
        ImageBatcher.Batch all = ImageBatcher.range(a.test(), 0, a.test().count());
        assertEquals(a.test().count(), all.labels().length);
    }

    private static void assertRefused(Path p, int rank, String expected) {
        DataUnavailableException e = assertThrows(DataUnavailableException.class, () -> IdxReader.read(p, rank));
        assertTrue(e.getMessage().contains(p.toString()), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' lacks '" + expected + "'");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
