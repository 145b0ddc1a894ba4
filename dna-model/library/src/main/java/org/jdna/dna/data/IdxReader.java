package org.jdna.dna.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST format), plain or gzip-compressed: a magic number {@code 00 00 TT DD}
 * (TT the element type, only {@code 08} = unsigned byte is used by MNIST-style data; DD the number of
 * dimensions), DD big-endian int32 sizes, then the elements. Every check failure names the file and
 * what was wrong: bad magic, wrong type, zero or negative size, truncated data, trailing bytes.
 */
public final class IdxReader {
    static final int UNSIGNED_BYTE = 0x08;
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 16;

    /** The elements of an unsigned-byte IDX file, row-major over {@code dims}. */
    public record IdxArray(Path file, int[] dims, byte[] data) {
        public int count() { return dims[0]; }
    }

    private IdxReader() {}

    /** Reads and checks an unsigned-byte IDX file with {@code expectedRank} dimensions. */
    public static IdxArray read(Path file, int expectedRank) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f & raw.read() == 0x8b;
            raw.reset();
            InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
            return parse(file, in, expectedRank);
        } catch (NoSuchFileException e) {
            throw new DataUnavailableException(file + ": IDX file does not exist");
        } catch (EOFException e) {
            throw new DataUnavailableException(file + ": truncated gzip stream (" + e.getMessage() + ")");
        } catch (ZipException e) {
            throw new DataUnavailableException(file + ": corrupt gzip data (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new DataUnavailableException(file + ": cannot read IDX file (" + e.getMessage() + ")", e);
        }
    }

    private static IdxArray parse(Path file, InputStream in, int expectedRank) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4) {
            throw new DataUnavailableException(file + ": truncated IDX header (" + magic.length + " of 4 magic bytes)");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new DataUnavailableException(String.format("%s: bad IDX magic number %02x %02x %02x %02x (expected"
                    + " 00 00 08 %02x)", file, magic[0], magic[1], magic[2], magic[3], expectedRank));
        }
        int type = magic[2] & 0xFF;
        if (type != UNSIGNED_BYTE) {
            throw new DataUnavailableException(String.format("%s: IDX element type 0x%02x is not unsigned byte (0x08)",
                    file, type));
        }
        int rank = magic[3] & 0xFF;
        if (rank != expectedRank) {
            throw new DataUnavailableException(file + ": IDX file has " + rank + " dimensions, expected " + expectedRank);
        }
        byte[] header = in.readNBytes(4 * rank);
        if (header.length < 4 * rank) {
            throw new DataUnavailableException(file + ": truncated IDX header (" + header.length + " of " + 4 * rank
                    + " dimension bytes)");
        }
        int[] dims = new int[rank];
        long elements = 1;
        for (int i = 0; i < rank; i++) {
            dims[i] = ((header[4 * i] & 0xFF) << 24) | ((header[4 * i + 1] & 0xFF) << 16)
                    | ((header[4 * i + 2] & 0xFF) << 8) | (header[4 * i + 3] & 0xFF);
            if (dims[i] <= 0) {
                throw new DataUnavailableException(file + ": IDX dimension " + i + " is " + dims[i] + " (must be > 0)");
            }
            elements *= dims[i];
            if (elements > MAX_ELEMENTS) {
                throw new DataUnavailableException(file + ": IDX dimensions " + Arrays.toString(Arrays.copyOf(dims, i + 1))
                        + " are too large");
            }
        }
        byte[] data = in.readNBytes((int) elements);
        if (data.length < elements) {
            throw new DataUnavailableException(file + ": truncated: dimensions " + Arrays.toString(dims) + " need "
                    + elements + " data bytes, the file has " + data.length);
        }
        long extra = 0;
        byte[] sink = new byte[8192];
        for (int n; (n = in.read(sink)) > 0; ) {
            extra += n;
        }
        if (extra > 0) {
            throw new DataUnavailableException(file + ": " + extra + " bytes after the " + elements
                    + " data bytes of dimensions " + Arrays.toString(dims) + " (wrong file or wrong header)");
        }
        return new IdxArray(file, dims, data);
    }
}
