package org.jdna;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The layering of docs/architecture.md section 2, checked on the compiled main classes of every module on
 * this module's test class path (engine, kernels-simd, kernels-cuda, the library, the application): a
 * dependency that points up fails the build, naming the class, the member and the forbidden package. A main
 * package missing from {@link #LAYERS} fails too: place a new package in the doc and here first.
 */
class LayeringTest {
    private static final String ENGINE = "org.jdna.engine.";
    private static final String DNA = "org.jdna.dna.";

    /** Each group of packages and the groups it may use besides itself, as in docs/architecture.md. */
    private static final Map<String, Layer> LAYERS = new LinkedHashMap<>();

    static {
        // engine, bottom to top; tensor, autograd and ops refer to each other and are one layer (the core)
        // the backend SPI and its memory (pools, scopes, statistics) refer to each other: one layer
        layer("engine.backend", List.of(ENGINE + "backend", ENGINE + "memory"));
        layer("engine.backend.reference", List.of(ENGINE + "backend.reference"), "engine.backend");
        layer("engine.core", List.of(ENGINE + "tensor", ENGINE + "autograd", ENGINE + "ops"), "engine.backend");
        layer("engine.routing", List.of(ENGINE + "routing"), "engine.core", "engine.backend");
        layer("engine.nn", List.of(ENGINE + "nn"), "engine.core", "engine.backend");
        layer("engine.optim", List.of(ENGINE + "optim"), "engine.nn", "engine.core", "engine.backend");
        // the backends: the engine's backend packages only
        layer("simd", List.of("org.jdna.simd"), "engine.backend", "engine.backend.reference");
        layer("cuda", List.of("org.jdna.cuda"), "engine.backend");
        // the library, bottom to top; data, io and model are independent of each other
        String[] engine = {"engine.backend", "engine.core", "engine.routing", "engine.nn", "engine.optim"};
        layer("dna.config", List.of(DNA + "config"));
        layer("dna.data", List.of(DNA + "data"), with(engine, "dna.config"));
        layer("dna.io", List.of(DNA + "io"), with(engine, "dna.config"));
        layer("dna.model", List.of(DNA + "model"), with(engine, "dna.config"));
        layer("dna.train", List.of(DNA + "train"), with(engine, "dna.config", "dna.data", "dna.io", "dna.model"));
        // the application, bottom to top
        String[] library = with(engine, "dna.config", "dna.data", "dna.io", "dna.model", "dna.train");
        layer("dna.radial", List.of(DNA + "radial"), library);
        layer("dna.analysis", List.of(DNA + "analysis"), with(library, "dna.radial"));
        layer("dna.parallel", List.of(DNA + "parallel"), library);
        layer("dna.spark", List.of(DNA + "spark"), library);
        layer("dna.sweep", List.of(DNA + "sweep"), with(library, "dna.radial", "dna.spark"));
        layer("dna.workers", List.of(DNA + "workers"), with(library, "dna.radial", "dna.parallel", "dna.spark"));
        layer("dna.compare", List.of(DNA + "compare"), with(library, "dna.sweep", "dna.analysis"));
        layer("dna.cli", List.of(DNA + "cli"), with(library, "dna.radial", "dna.compare", "dna.analysis", "dna.sweep",
                "dna.workers"));
    }

    private static final Pattern TEST_JAR = Pattern.compile(".*-tests\\.jar.*");
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(LayeringTest::isMainClass)
            .importPackages("org.jdna");

    private record Layer(String name, List<String> packages, List<String> mayUse) {}

    private static void layer(String name, List<String> packages, String... mayUse) {
        for (String used : mayUse) {
            if (!LAYERS.containsKey(used)) {
                throw new IllegalStateException(name + " may use " + used + ", which is not declared below it");
            }
        }
        LAYERS.put(name, new Layer(name, packages, List.of(mayUse)));
    }

    private static String[] with(String[] base, String... more) {
        return Stream.concat(Stream.of(base), Stream.of(more)).toArray(String[]::new);
    }

    /** Main classes only: test classes and test jars (which may reach anywhere to build fixtures) are left out. */
    private static boolean isMainClass(Location location) {
        return !location.contains("/test-classes/") && !location.matches(TEST_JAR);
    }

    static Stream<String> layerNames() {
        return LAYERS.keySet().stream();
    }

    @ParameterizedTest(name = "{0} uses only the layers below it")
    @MethodSource("layerNames")
    void noDependencyPointsUp(String name) {
        Layer layer = LAYERS.get(name);
        List<String> forbidden = new ArrayList<>();
        for (Layer other : LAYERS.values()) {
            if (other != layer && !layer.mayUse().contains(other.name())) {
                forbidden.addAll(other.packages());
            }
        }
        forbidden.add("org.jdna.bench..");
        noClasses().that().resideInAnyPackage(layer.packages().toArray(String[]::new))
                .should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(String[]::new))
                .because("docs/architecture.md section 2: " + name + " may use "
                        + (layer.mayUse().isEmpty() ? "no other jdna package" : "only " + layer.mayUse()))
                .check(CLASSES);
    }

    @Test
    void theTapeUsesNoOp() {
        noClasses().that().resideInAPackage(ENGINE + "autograd")
                .should().dependOnClassesThat().resideInAPackage(ENGINE + "ops")
                .because("inside the engine's core the tape knows tensors and nodes only; the ops build on it"
                        + " (docs/architecture.md section 2)")
                .check(CLASSES);
    }

    @Test
    void engineNeedsOnlyTheJdk() {
        classes().that().resideInAPackage("org.jdna.engine..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.jdna.engine..")
                .because("the engine compiles and runs with no fast backend, no DNA code and no library:"
                        + " no JCuda, no Spark, no Vector API (docs/architecture.md section 2)")
                .check(CLASSES);
    }

    @Test
    void theLibraryNeedsNoApplicationLibraries() {
        noClasses().that().resideInAPackage("org.jdna.dna..")
                .should().dependOnClassesThat()
                .resideInAnyPackage("jcuda..", "jdk.incubator.vector..")
                .because("the DNA code reaches backends only through the engine's Backend SPI")
                .check(CLASSES);
        noClasses().that().resideOutsideOfPackages(DNA + "spark", DNA + "sweep", DNA + "workers")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "scala..")
                .because("only the Spark jobs (sweeps, data-parallel workers) use Spark (docs/architecture.md"
                        + " section 2)")
                .check(CLASSES);
        noClasses().that().resideInAnyPackage(DNA + "config", DNA + "data", DNA + "io", DNA + "model", DNA + "train")
                .should().dependOnClassesThat()
                .resideInAnyPackage("picocli..", "org.knowm.xchart..", "de.erichseifert..")
                .because("the library depends on the engine and Jackson only (docs/architecture.md section 2)")
                .check(CLASSES);
        noClasses().that().resideOutsideOfPackage(DNA + "cli")
                .should().dependOnClassesThat().resideInAPackage("picocli..")
                .because("only the command line uses picocli")
                .check(CLASSES);
    }

    @Test
    void everyMainPackageIsPlacedInTheLayering() {
        Set<String> declared = new TreeSet<>();
        LAYERS.values().forEach(l -> declared.addAll(l.packages()));
        Set<String> found = new TreeSet<>();
        for (JavaClass c : CLASSES) {
            found.add(c.getPackageName());
        }
        Set<String> unplaced = new TreeSet<>(found);
        unplaced.removeAll(declared);
        assertTrue(unplaced.isEmpty(), "packages missing from docs/architecture.md section 2 and LayeringTest: "
                + unplaced);
        // every declared package was imported: the rules above did not pass on an empty class path
        Set<String> missing = new TreeSet<>(declared);
        missing.removeAll(found);
        assertEquals(Set.of(), missing, "declared packages with no main classes on the test class path");
    }
}
