package org.jdna.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

import jcuda.Pointer;

/**
 * Packs kernel parameters in declaration order. Device pointers travel as raw 64-bit addresses
 * (the same bits as a {@code float*} parameter), so an offset into a storage is plain arithmetic
 * and a null storage is address 0.
 *
 * <p>The list of values is pure Java (unit-tested without a GPU); {@link #toPointer()} builds the
 * {@code void**} array that {@code cuLaunchKernel} takes.
 */
public final class KernelArgs {

    /** One parameter: its C type and value. */
    public record Arg(Kind kind, Number value) {
        @Override
        public String toString() {
            return switch (kind) {
                case POINTER -> value.longValue() == 0 ? "null" : "0x" + Long.toHexString(value.longValue());
                case INT -> "int " + value;
                case FLOAT -> "float " + value;
                case DOUBLE -> "double " + value;
                case LONG -> "long " + value;
            };
        }
    }

    /** C parameter kinds and their sizes in bytes. */
    public enum Kind {
        POINTER(8), INT(4), FLOAT(4), DOUBLE(8), LONG(8);

        final int bytes;

        Kind(int bytes) {
            this.bytes = bytes;
        }

        public int bytes() {
            return bytes;
        }
    }

    private final List<Arg> args = new ArrayList<>();

    public static KernelArgs of() {
        return new KernelArgs();
    }

    /** A device address (0 for "no buffer"). */
    public KernelArgs ptr(long address) {
        args.add(new Arg(Kind.POINTER, address));
        return this;
    }

    public KernelArgs i(int v) {
        args.add(new Arg(Kind.INT, v));
        return this;
    }

    public KernelArgs f(float v) {
        args.add(new Arg(Kind.FLOAT, v));
        return this;
    }

    public KernelArgs d(double v) {
        args.add(new Arg(Kind.DOUBLE, v));
        return this;
    }

    public KernelArgs l(long v) {
        args.add(new Arg(Kind.LONG, v));
        return this;
    }

    public List<Arg> values() {
        return List.copyOf(args);
    }

    public int size() {
        return args.size();
    }

    /** Bytes the parameters occupy (without alignment padding); the driver allows 32,764 (4 KB before CUDA 12.1). */
    public int bytes() {
        int total = 0;
        for (Arg a : args) {
            total += a.kind().bytes();
        }
        return total;
    }

    /** The {@code void** kernelParams} of cuLaunchKernel: one pointer to each value. */
    public Pointer toPointer() {
        Pointer[] each = new Pointer[args.size()];
        for (int j = 0; j < each.length; j++) {
            Arg a = args.get(j);
            each[j] = switch (a.kind()) {
                case POINTER, LONG -> Pointer.to(new long[] {a.value().longValue()});
                case INT -> Pointer.to(new int[] {a.value().intValue()});
                case FLOAT -> Pointer.to(new float[] {a.value().floatValue()});
                case DOUBLE -> Pointer.to(new double[] {a.value().doubleValue()});
            };
        }
        return Pointer.to(each);
    }

    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(", ", "(", ")");
        for (Arg a : args) {
            j.add(a.toString());
        }
        return j.toString();
    }
}
