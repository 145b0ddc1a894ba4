package org.jdna.dna.data;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * A small reader of gzip-compressed tar archives (the format of npm packages): 512-byte headers,
 * file data padded to 512 bytes, ustar name prefixes and pax long names. Only regular files are returned.
 */
public final class TarGz {
    private static final int BLOCK = 512;

    private TarGz() {}

    /** The regular files whose names pass {@code wanted}, name -> contents, in archive order. */
    public static Map<String, byte[]> read(Path archive, Predicate<String> wanted) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(archive), 1 << 16)) {
            byte[] header = new byte[BLOCK];
            String paxName = null;
            while (true) {
                if (!readFully(in, header)) {
                    break; // archive without the two zero blocks: accept what was complete
                }
                if (isZero(header)) {
                    break;
                }
                verifyChecksum(archive, header);
                String name = string(header, 0, 100);
                String prefix = string(header, 345, 155);
                if (!prefix.isEmpty() && "ustar".equals(string(header, 257, 5))) {
                    name = prefix + "/" + name;
                }
                long size = octal(archive, header, 124, 12);
                if (size < 0 || size > Integer.MAX_VALUE - 16) {
                    throw new DataUnavailableException(archive + ": entry " + name + " has an impossible size ("
                            + size + " bytes)");
                }
                char type = (char) header[156];
                if (type == 'x') {
                    paxName = paxPath(readData(archive, in, size, name));
                    continue;
                }
                if (paxName != null) {
                    name = paxName;
                    paxName = null;
                }
                if ((type == '0' || type == 0) && wanted.test(name)) {
                    files.put(name, readData(archive, in, size, name));
                } else {
                    in.skipNBytes(size + padding(size)); // throws EOFException when the archive ends early
                }
            }
        } catch (EOFException e) {
            throw new DataUnavailableException(archive + " is truncated (unexpected end of the gzip stream)", e);
        } catch (IOException e) {
            throw new DataUnavailableException(archive + " is not a readable .tgz: " + e.getMessage(), e);
        }
        return files;
    }

    /**
     * An entry's data and its padding. Read in chunks as it arrives, never allocated at the size the
     * header claims: a damaged header must not cost gigabytes before the stream runs out.
     */
    private static byte[] readData(Path archive, InputStream in, long size, String name) throws IOException {
        byte[] data = in.readNBytes((int) size);
        if (data.length < size) {
            throw new DataUnavailableException(archive + " is truncated inside entry " + name + " (" + data.length
                    + " of " + size + " bytes)");
        }
        in.skipNBytes(padding(size)); // throws EOFException when the archive ends early
        return data;
    }

    private static long padding(long size) {
        return (BLOCK - size % BLOCK) % BLOCK;
    }

    private static String paxPath(byte[] data) {
        // records "LEN key=value\n"
        String text = new String(data, StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            int sp = line.indexOf(' ');
            if (sp > 0 && line.startsWith("path=", sp + 1)) {
                return line.substring(sp + 6);
            }
        }
        return null;
    }

    private static boolean readFully(InputStream in, byte[] buf) throws IOException {
        int n = in.readNBytes(buf, 0, buf.length);
        if (n == 0 && buf.length > 0) {
            return false;
        }
        if (n < buf.length) {
            throw new EOFException();
        }
        return true;
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static void verifyChecksum(Path archive, byte[] header) {
        long stored = octal(archive, header, 148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xFF);
        }
        if (sum != stored) {
            throw new DataUnavailableException(archive + ": corrupt tar header (checksum " + stored + ", computed " + sum
                    + ")");
        }
    }

    private static String string(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(Path archive, byte[] b, int off, int len) {
        String s = string(b, off, len).trim();
        try {
            return s.isEmpty() ? 0 : Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new DataUnavailableException(archive + ": corrupt tar header (number field '" + s + "')");
        }
    }

    /** For tests and fixtures: bytes of one uncompressed ustar stream holding the given files. */
    static byte[] tar(Map<String, byte[]> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            byte[] h = new byte[BLOCK];
            put(h, 0, f.getKey());
            put(h, 100, "0000644");
            put(h, 108, "0000000");
            put(h, 116, "0000000");
            put(h, 124, String.format("%011o", f.getValue().length));
            put(h, 136, "00000000000");
            h[156] = '0';
            put(h, 257, "ustar");
            put(h, 263, "00");
            long sum = 0;
            for (int i = 0; i < BLOCK; i++) {
                sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xFF);
            }
            put(h, 148, String.format("%06o", sum));
            h[155] = ' ';
            out.writeBytes(h);
            out.writeBytes(f.getValue());
            out.writeBytes(new byte[(int) ((BLOCK - f.getValue().length % BLOCK) % BLOCK)]);
        }
        out.writeBytes(new byte[2 * BLOCK]);
        return out.toByteArray();
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, h, off, b.length);
    }
}
