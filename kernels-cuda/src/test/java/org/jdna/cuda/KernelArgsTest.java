package org.jdna.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;

import org.junit.jupiter.api.Test;

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
    void offsetsAreByteArithmeticOnTheAddress() {
        // What CudaStorage.at(off) feeds to ptr(): base + 4 * off
        long base = 0x7000_0000L;
        assertEquals(base + 4 * 257, base + 4L * 257);
    }

    @Test
    void buildsTheKernelParameterArrayWithoutTheNatives() {
        // jcuda.Pointer is plain Java: the void** array can be built (and tested) without libcuda.
        assertNotNull(KernelArgs.of().ptr(16).i(1).f(2f).d(3).l(4).toPointer());
    }
}
