package org.jdna.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CublasLocator on fake folder trees: which file it finds, in which order it looks, what it says. */
class CublasLocatorTest {
    @TempDir
    Path root;

    private Path lib(String folder, String name) throws IOException {
        Path dir = Files.createDirectories(root.resolve(folder));
        return Files.writeString(dir.resolve(name), "not really ELF");
    }

    private CublasLocator locator(Map<String, String> env, String... systemFolders) {
        return new CublasLocator(env, List.of(systemFolders).stream().map(root::resolve).toList(),
                List.of(root.resolve("py")));
    }

    @Test
    void anExplicitFileWinsAndItsFolderIsSearchedFirst() throws IOException {
        Path explicit = lib("mine", "libcublas.so.12.4.5");
        lib("sys", "libcublas.so.12");
        CublasLocator l = locator(Map.of("JDNA_CUBLAS", explicit.toString()), "sys");
        assertEquals(Optional.of(new CublasLocator.Found(explicit, "libcublas.so.12")), l.find("libcublas.so.12"));
        assertEquals(explicit.getParent(), l.searchFolders().get(0));
        // a file named for another soname is not taken for this one
        assertEquals(Optional.empty(), l.find("libcublas.so.13"));
    }

    @Test
    void anExplicitFolderIsSearchedBeforeTheLoaderPath() throws IOException {
        Path mine = lib("mine", "libcublas.so.13");
        lib("ld", "libcublas.so.13");
        CublasLocator l = locator(Map.of("JDNA_CUBLAS", root.resolve("mine").toString(),
                "LD_LIBRARY_PATH", root.resolve("ld").toString()));
        assertEquals(mine, l.find("libcublas.so.13").orElseThrow().file());
    }

    @Test
    void foldersComeInTheDocumentedOrderWithoutDuplicates() {
        CublasLocator l = locator(Map.of("LD_LIBRARY_PATH", root.resolve("a") + "::" + root.resolve("b") + ":"
                + root.resolve("a"), "CUDA_HOME", root.resolve("cuda").toString()), "sys1", "sys2");
        assertEquals(List.of(root.resolve("a"), root.resolve("b"), root.resolve("cuda/lib64"), root.resolve("cuda/lib"),
                root.resolve("sys1"), root.resolve("sys2")), l.searchFolders());
    }

    @Test
    void theLoaderPathComesBeforeCudaHomeAndTheSystem() throws IOException {
        Path first = lib("ld", "libcublas.so.12");
        lib("cuda/lib64", "libcublas.so.12");
        lib("sys", "libcublas.so.12");
        CublasLocator l = locator(Map.of("LD_LIBRARY_PATH", root.resolve("ld").toString(),
                "CUDA_HOME", root.resolve("cuda").toString()), "sys");
        assertEquals(first, l.find("libcublas.so.12").orElseThrow().file());
        Path viaHome = root.resolve("cuda/lib64/libcublas.so.12");
        assertEquals(viaHome, locator(Map.of("CUDA_PATH", root.resolve("cuda").toString()), "sys")
                .find("libcublas.so.12").orElseThrow().file());
    }

    @Test
    void theNewestSonameWinsWhereverItIs() throws IOException {
        lib("early", "libcublas.so.12");
        Path late = lib("late", "libcublas.so.13");
        CublasLocator l = locator(Map.of(), "early", "late");
        assertEquals(Optional.of(new CublasLocator.Found(late, "libcublas.so.13")), l.findNewest());
    }

    @Test
    void pythonWheelsAreFoundUnderEitherPackagesFolder() throws IOException {
        Path wheel = lib("py/python3.12/dist-packages/nvidia/cu13/lib", "libcublas.so.13");
        lib("py/python3.11/site-packages/nvidia/cublas/lib", "libcublas.so.12");
        CublasLocator l = locator(Map.of());
        assertEquals(wheel, l.find("libcublas.so.13").orElseThrow().file());
        assertTrue(l.find("libcublas.so.12").orElseThrow().file().toString()
                .endsWith("python3.11/site-packages/nvidia/cublas/lib/libcublas.so.12"));
    }

    @Test
    void nothingFoundSaysWhereItLookedAndWhatToSet() throws IOException {
        Files.createDirectories(root.resolve("sys"));
        CublasLocator l = locator(Map.of("LD_LIBRARY_PATH", root.resolve("gone").toString()), "sys");
        assertEquals(Optional.empty(), l.findNewest());
        String message = l.notFoundMessage("libcublas.so.13");
        assertEquals("libcublas.so.13 not found in the existing folders [" + root.resolve("sys") + "] (set JDNA_CUBLAS"
                + " to the file or add its folder to LD_LIBRARY_PATH)", message);
    }
}
