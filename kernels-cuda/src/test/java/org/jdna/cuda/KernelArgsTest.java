package org.jdna.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Field;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.List;

import jcuda.Pointer;
import org.junit.jupiter.api.Test;

/** Kernel parameters: their order, C types and sizes, and the native array cuLaunchKernel receives. */
class KernelArgsTest {

    @Test
    void packsParametersInDeclarationOrderWithTheirCTypes() {
        KernelArgs a = KernelArgs.of().ptr(0x7f00_0000_1000L).ptr(0).i(5).f(1.5f).d(2.0).l(1L << 40);
        List<KernelArgs.Arg> v = a.values();
        assertEquals(6, a.size());
        assertEquals(KernelArgs.Kind.POINTER, v.get(0).kind());
        assertEquals(0x7f00_0000_1000L, v.get(0).value().longValue());
        assertEquals(KernelArgs.Kind.INT, v.get(2).kind());
        assertEquals(5, v.get(2).value().intValue());
        assertEquals(1.5f, v.get(3).value().floatValue());
        assertEquals(KernelArgs.Kind.DOUBLE, v.get(4).kind());
        assertEquals(KernelArgs.Kind.LONG, v.get(5).kind());
        assertEquals(8 + 8 + 4 + 4 + 8 + 8, a.bytes());
    }

    @Test
    void describesArgumentsForErrorMessages() {
        String s = KernelArgs.of().ptr(0x10).ptr(0).i(3).f(0.5f).toString();
        assertEquals("(0x10, null, int 3, float 0.5)", s);
    }

    @Test
    void storageOffsetsAndPackedBlocksAreByteAddresses() {
        // a storage hands kernels base + 4 * off; packed attention's q | k | v blocks are W floats apart
        CudaStorage s = new CudaStorage(0x7000_0000L, 3 * 10 * 8);
        assertEquals(0x7000_0000L + 4 * 257, s.at(257));
        CudaAttention.Operands x = CudaAttention.Operands.packed(s, 8, "test");
        assertEquals(new CudaAttention.Operands(0x7000_0000L, 0x7000_0000L + 32, 0x7000_0000L + 64, 24), x);
    }

    @Test
    void theParameterArrayHoldsOneNativeValueOfTheRightTypePerArgument() throws ReflectiveOperationException {
        // jcuda.Pointer is plain Java: the void** array cuLaunchKernel reads can be opened without libcuda.
        Pointer params = KernelArgs.of().ptr(0x10).i(-3).f(2.5f).d(3.25).l(1L << 40).toPointer();
        Object[] each = (Object[]) field(Pointer.class, "pointers").get(params);
        assertEquals(5, each.length);
        Field buffer = field(Pointer.class, "buffer");
        assertEquals(LongBuffer.wrap(new long[] {0x10}), buffer.get(each[0]));
        assertEquals(IntBuffer.wrap(new int[] {-3}), buffer.get(each[1]));
        assertEquals(FloatBuffer.wrap(new float[] {2.5f}), buffer.get(each[2]));
        assertEquals(DoubleBuffer.wrap(new double[] {3.25}), buffer.get(each[3]));
        assertEquals(LongBuffer.wrap(new long[] {1L << 40}), buffer.get(each[4]));
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
