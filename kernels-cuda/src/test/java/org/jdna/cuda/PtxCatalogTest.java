package org.jdna.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which PTX the jar holds, which build a device runs, and how it is read. */
class PtxCatalogTest {
    @TempDir
    Path root;

    @Test
    void archNamesReadAsCapabilities() {
        assertEquals(90, PtxCatalog.capabilityOf("compute_90"));
        assertEquals(75, PtxCatalog.capabilityOf("compute_75"));
        assertThrows(IllegalArgumentException.class, () -> PtxCatalog.capabilityOf("sm90"));
    }

    @Test
    void aDeviceRunsTheNewestPtxNotAboveItsCapability() {
        List<String> both = PtxCatalog.ARCHS;
        assertEquals(Optional.of("compute_90"), PtxCatalog.chooseArch(9, 0, both));   // H100
        assertEquals(Optional.of("compute_90"), PtxCatalog.chooseArch(12, 0, both));  // newer than any build
        assertEquals(Optional.of("compute_75"), PtxCatalog.chooseArch(8, 6, both));   // Ampere: JIT from 7.5
        assertEquals(Optional.of("compute_75"), PtxCatalog.chooseArch(7, 5, both));
        assertEquals(Optional.empty(), PtxCatalog.chooseArch(7, 0, both));           // Volta: too old
        assertEquals(Optional.of("compute_75"), PtxCatalog.chooseArch(9, 0, List.of("compute_75")));
        assertEquals(Optional.empty(), PtxCatalog.chooseArch(9, 0, List.of()));
    }

    @Test
    void anArchCountsOnlyWhenEveryFamilyIsThere() throws IOException {
        for (String family : PtxCatalog.FAMILIES) {
            write("ptx/compute_75/" + family + ".ptx", "// " + family);
            if (!family.equals("attention")) {
                write("ptx/compute_90/" + family + ".ptx", "// " + family);
            }
        }
        try (URLClassLoader loader = loader()) {
            assertEquals(List.of("compute_75"), PtxCatalog.availableArchs(loader));
        }
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            assertEquals(List.of(), PtxCatalog.availableArchs(empty));
        }
    }

    @Test
    void ptxIsReadWithTheTerminatingNulTheDriverExpects() throws IOException {
        write("ptx/compute_90/gemm.ptx", ".version 8.0\n");
        try (URLClassLoader loader = loader()) {
            byte[] z = PtxCatalog.load(loader, "compute_90", "gemm");
            assertArrayEquals(".version 8.0\n\0".getBytes(StandardCharsets.US_ASCII), z);
            IllegalStateException missing = assertThrows(IllegalStateException.class,
                    () -> PtxCatalog.load(loader, "compute_90", "routing"));
            assertTrue(missing.getMessage().contains("ptx/compute_90/routing.ptx"), missing.getMessage());
        }
    }

    @Test
    void familiesAreExactlyTheCudaSourcesAndTheBuildCompilesEach() throws IOException {
        TreeSet<String> sources = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("src/main/cuda"))) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cu"))
                    .forEach(n -> sources.add(n.substring(0, n.length() - 3)));
        }
        assertEquals(sources, new TreeSet<>(PtxCatalog.FAMILIES), "src/main/cuda/*.cu against PtxCatalog.FAMILIES");
        String script = Files.readString(Path.of("scripts/build-ptx.sh"));
        assertTrue(script.contains("archs=${JDNA_PTX_ARCHS:-\"" + String.join(" ", PtxCatalog.ARCHS) + "\"}"),
                "build-ptx.sh builds PtxCatalog.ARCHS");
        Assumptions.assumeTrue(PtxSignatures.available(), "no PTX on the class path (built without nvcc)");
        assertEquals(PtxCatalog.ARCHS, PtxCatalog.availableArchs(getClass().getClassLoader()));
    }

    private void write(String resource, String text) throws IOException {
        Path file = root.resolve(resource);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private URLClassLoader loader() throws IOException {
        return new URLClassLoader(new URL[] {root.toUri().toURL()}, null);
    }
}
