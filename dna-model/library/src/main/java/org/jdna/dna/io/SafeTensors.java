package org.jdna.dna.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.jdna.engine.backend.Backend;
import org.jdna.engine.tensor.Tensor;

/**
 * The safetensors format (what PyTorch's {@code safetensors.torch.load_file} reads): an 8-byte
 * little-endian header length N, N bytes of JSON
 * {@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}}
 * padded with spaces to a multiple of 8, then the tensors' raw little-endian bytes, offsets counted
 * from the end of the header. Only F32 is written and read. Reading checks every header claim
 * against the file: lengths, dtypes, shapes against byte ranges, ranges inside the data, no gaps or overlaps.
 */
public final class SafeTensors {
    public static final String METADATA = "__metadata__";
    private static final long MAX_HEADER = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The tensors (in file order) and the string metadata of one file. */
    public record Contents(Map<String, TensorData> tensors, Map<String, String> metadata) {}

    private SafeTensors() {}

    /** Writes tensors in map order and forces the file to disk. */
    public static void write(Path file, Map<String, TensorData> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA);
            new TreeMap<>(metadata).forEach(meta::put); // sorted: the same tensors give the same bytes
        }
        long offset = 0;
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            if (e.getKey().equals(METADATA) || e.getKey().isEmpty()) {
                throw new IllegalArgumentException("SafeTensors.write: '" + e.getKey() + "' cannot be a tensor name");
            }
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            var shape = t.putArray("shape");
            for (int d : e.getValue().shape()) {
                shape.add(d);
            }
            long bytes = 4L * e.getValue().values().length;
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).flip();
            writeAll(ch, len);
            writeAll(ch, ByteBuffer.wrap(headerBytes));
            ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (TensorData t : tensors.values()) {
                for (float v : t.values()) {
                    if (!buf.hasRemaining()) {
                        writeAll(ch, buf.flip());
                        buf.clear();
                    }
                    buf.putFloat(v);
                }
            }
            writeAll(ch, buf.flip());
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Engine tensors by name, written as {@link #write}. */
    public static void writeTensors(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        Map<String, TensorData> host = new LinkedHashMap<>();
        tensors.forEach((k, v) -> host.put(k, TensorData.of(v)));
        write(file, host, metadata);
    }

    /** Reads and checks a file; any inconsistency is a {@link CorruptCheckpointException} naming the file. */
    public static Contents read(Path file) {
        ByteBuffer all;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new CorruptCheckpointException(file + ": " + size + " bytes is larger than jdna reads (2 GiB)");
            }
            all = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
            while (all.hasRemaining() && ch.read(all) >= 0) {
                // read all
            }
            all.flip();
        } catch (NoSuchFileException e) {
            throw new CorruptCheckpointException(file + " is missing");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return parse(file, all);
    }

    /** Engine tensors on {@code backend}, by name in file order. */
    public static Map<String, Tensor> readTensors(Path file, Backend backend) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        read(file).tensors().forEach((k, v) -> out.put(k, v.toTensor(backend)));
        return out;
    }

    private record Entry(String name, int[] shape, long begin, long end) {}

    private static Contents parse(Path file, ByteBuffer all) {
        long size = all.limit();
        if (size < 8) {
            throw new CorruptCheckpointException(file + ": " + size + " bytes is too short for a safetensors header"
                    + " (truncated)");
        }
        long n = all.getLong(0);
        if (n <= 0 || n > MAX_HEADER) {
            throw new CorruptCheckpointException(file + ": header length " + n + " is not plausible (not a"
                    + " safetensors file, or corrupt)");
        }
        if (8 + n > size) {
            throw new CorruptCheckpointException(file + ": header length " + n + " runs past the end of the file ("
                    + size + " bytes): truncated");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(all.array(), 8, (int) n, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new CorruptCheckpointException(file + ": header is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (header == null || !header.isObject()) {
            throw new CorruptCheckpointException(file + ": header is not a JSON object");
        }
        long dataStart = 8 + n;
        long dataLength = size - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : header.properties()) {
            if (e.getKey().equals(METADATA)) {
                e.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            entries.add(entry(file, e.getKey(), e.getValue(), dataLength));
        }
        entries.sort(Comparator.comparingLong(Entry::begin));
        long expected = 0;
        for (Entry e : entries) {
            if (e.begin() != expected) {
                throw new CorruptCheckpointException(file + ": tensor '" + e.name() + "' starts at data offset "
                        + e.begin() + " but the previous tensor ends at " + expected + " (gap or overlap)");
            }
            expected = e.end();
        }
        if (expected != dataLength) {
            throw new CorruptCheckpointException(file + ": the tensors cover " + expected + " data bytes but the file"
                    + " has " + dataLength + " after the header");
        }
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        for (Entry e : entries) {
            float[] values = new float[(int) ((e.end() - e.begin()) / 4)];
            all.position((int) (dataStart + e.begin()));
            all.asFloatBuffer().get(values);
            tensors.put(e.name(), new TensorData(e.shape(), values));
        }
        return new Contents(tensors, metadata);
    }

    private static Entry entry(Path file, String name, JsonNode node, long dataLength) {
        String where = file + ": tensor '" + name + "'";
        if (!node.isObject()) {
            throw new CorruptCheckpointException(where + " is not described by a JSON object");
        }
        String dtype = node.path("dtype").asText("");
        if (!dtype.equals("F32")) {
            throw new CorruptCheckpointException(where + " has dtype '" + dtype + "'; jdna reads F32 only");
        }
        JsonNode shapeNode = node.path("shape");
        JsonNode offsets = node.path("data_offsets");
        if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new CorruptCheckpointException(where + " lacks a shape array or a [begin, end] data_offsets pair");
        }
        int[] shape = new int[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.asInt() < 0) {
                throw new CorruptCheckpointException(where + " has a bad shape " + shapeNode);
            }
            shape[i] = d.asInt();
        }
        // A product of large dimensions must not wrap around to a small count that matches the byte range.
        boolean empty = Arrays.stream(shape).anyMatch(d -> d == 0);
        long numel = empty ? 0 : 1;
        for (int i = 0; i < shape.length && !empty; i++) {
            if (numel > Long.MAX_VALUE / 4 / shape[i]) {
                throw new CorruptCheckpointException(where + " has shape " + shapeNode + ", more values than any file"
                        + " holds");
            }
            numel *= shape[i];
        }
        JsonNode first = offsets.get(0);
        JsonNode last = offsets.get(1);
        long begin = first.isIntegralNumber() && first.canConvertToLong() ? first.asLong() : -1;
        long end = last.isIntegralNumber() && last.canConvertToLong() ? last.asLong() : -1;
        if (begin < 0 || end < begin) {
            throw new CorruptCheckpointException(where + " has data_offsets " + offsets + " (need 0 <= begin <= end)");
        }
        if (end > dataLength) {
            throw new CorruptCheckpointException(where + " has data_offsets " + offsets + " past the end of the data ("
                    + dataLength + " bytes): truncated file or lying header");
        }
        if (end - begin != numel * 4) {
            throw new CorruptCheckpointException(where + " has data_offsets " + offsets + " holding " + (end - begin)
                    + " bytes, but shape " + shapeNode + " of F32 needs " + numel * 4);
        }
        return new Entry(name, shape, begin, end);
    }

    private static void writeAll(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
