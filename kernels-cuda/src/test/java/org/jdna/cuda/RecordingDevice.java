package org.jdna.cuda;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;

/**
 * The launchers' view of a device, with no device: a {@link KernelRunner} and a
 * {@link DeviceScratch} that record every launch, copy and upload instead of calling the driver, and
 * storages at made-up addresses. Host tests drive the real launcher classes through it and look at
 * what they would have sent to the GPU.
 */
final class RecordingDevice {
    /** One kernel launch as the launcher built it. */
    record Launched(String family, String kernel, LaunchConfig config, KernelArgs args) {
        /** The value of argument {@code i}. */
        long arg(int i) {
            return args.values().get(i).value().longValue();
        }
    }

    /** A device-to-device copy of {@code bytes} bytes. */
    record Copied(long bytes) {
    }

    /** A kernel's dynamic shared memory limit raised to {@code bytes}. */
    record SharedOptIn(String kernel, long bytes) {
    }

    /** Launches, copies and opt-ins in issue order. */
    final List<Object> events = new ArrayList<>();
    /** The last ints uploaded to each scratch slot. */
    final Map<DeviceScratch.Slot, int[]> uploads = new EnumMap<>(DeviceScratch.Slot.class);
    /** What downloadInts of a slot returns (else zeros). */
    final Map<DeviceScratch.Slot, int[]> intResults = new EnumMap<>(DeviceScratch.Slot.class);
    /** What runner.download returns, in order of the calls. */
    final List<float[]> floatResults = new ArrayList<>();
    /** Static shared memory of each kernel, and the device's opt-in limit. */
    int staticShared = 512;
    int optInLimit = 227 * 1024;

    final KernelRunner runner = new Runner();
    final DeviceScratch scratch = new Scratch();
    private long nextAddress = 0x7f00_0000_0000L;

    /** A storage of {@code length} floats at a fresh made-up address. */
    CudaStorage storage(int length) {
        CudaStorage s = new CudaStorage(nextAddress, length);
        nextAddress += 4L * length + 4096;
        return s;
    }

    /** The device address a scratch slot hands out. */
    static long slotAddress(DeviceScratch.Slot slot) {
        return 0x10_0000_0000L * (slot.ordinal() + 1);
    }

    List<Launched> launches() {
        return events.stream().filter(Launched.class::isInstance).map(Launched.class::cast).toList();
    }

    Launched only(String kernel) {
        List<Launched> found = launches().stream().filter(l -> l.kernel().equals(kernel)).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one launch of " + kernel + ", got " + found.size() + " in " + events);
        }
        return found.get(0);
    }

    private final class Runner extends KernelRunner {
        private final Map<CUfunction, String> names = new HashMap<>();

        Runner() {
            super(null, null);
        }

        @Override
        CUfunction function(String family, String kernel) {
            CUfunction f = new CUfunction();
            names.put(f, family + "/" + kernel);
            return f;
        }

        @Override
        int staticSharedBytes(CUfunction f) {
            return staticShared;
        }

        @Override
        int sharedOptInLimit() {
            return optInLimit;
        }

        @Override
        void setMaxDynamicShared(CUfunction f, int bytes) {
            events.add(new SharedOptIn(names.get(f), bytes));
        }

        @Override
        void enqueue(CUfunction f, LaunchConfig cfg, KernelArgs args) {
            String[] name = names.get(f).split("/");
            events.add(new Launched(name[0], name[1], cfg, args));
        }

        @Override
        void copy(CUdeviceptr dst, CUdeviceptr src, long bytes) {
            events.add(new Copied(bytes));
        }

        @Override
        void download(float[] dst, CUdeviceptr src, int count) {
            float[] next = floatResults.isEmpty() ? new float[count] : floatResults.remove(0);
            System.arraycopy(next, 0, dst, 0, count);
        }
    }

    private final class Scratch extends DeviceScratch {
        Scratch() {
            super(null);
        }

        @Override
        Buffer buffer(Slot slot, long bytes) {
            return new Buffer(new CUdeviceptr(), slotAddress(slot), bytes);
        }

        @Override
        long ints(Slot slot, int[] data, int len) {
            uploads.put(slot, Arrays.copyOf(data, len));
            return slotAddress(slot);
        }

        @Override
        long floats(Slot slot, float[] data, int len) {
            return slotAddress(slot);
        }

        @Override
        long temp(Slot slot, long bytes) {
            return slotAddress(slot);
        }

        @Override
        long filledInts(Slot slot, int count, int bits) {
            int[] filled = new int[count];
            Arrays.fill(filled, bits);
            uploads.put(slot, filled);
            return slotAddress(slot);
        }

        @Override
        void downloadInts(Slot slot, int[] dst, int len) {
            int[] r = intResults.getOrDefault(slot, uploads.getOrDefault(slot, new int[len]));
            System.arraycopy(r, 0, dst, 0, Math.min(len, r.length));
        }

        @Override
        void downloadDoubles(Slot slot, double[] dst, int len) {
            Arrays.fill(dst, 0, len, 0.0);
        }

        @Override
        public void close() {
        }
    }
}
