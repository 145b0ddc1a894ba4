package org.jdna.dna.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Fashion-MNIST (60,000 training and 10,000 test images, 28x28 grey levels, 10 classes) from the
 * Debian package {@code dataset-fashion-mnist}: {@code apt-get download} (no root needed) and
 * {@code dpkg -x} into {@code <cache>/fashion-mnist/}. The package installs
 * {@code usr/share/datasets/fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz}.
 */
public final class FashionMnist {
    public static final String NAME = "fashion-mnist";
    public static final String PACKAGE = "dataset-fashion-mnist";
    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");
    static final long FETCH_TIMEOUT_SECONDS = 300;

    private FashionMnist() {}

    public static ImageDataset load(Path cacheDir, double valFraction) {
        return fromFolder(fetch(cacheDir), valFraction);
    }

    /** The folder holding the four IDX files, downloading and unpacking the package first when needed. */
    public static Path fetch(Path cacheDir) {
        Path dir = cacheDir.resolve(NAME);
        Optional<Path> found = findIdxFolder(dir.resolve("extracted"));
        if (found.isPresent()) {
            return found.get();
        }
        try {
            Files.createDirectories(dir);
            Path work = Files.createTempDirectory(dir, "apt-");
            try {
                System.err.println("fetching Fashion-MNIST: apt-get download " + PACKAGE + " (into " + dir + ")");
                ExternalCommand.run(List.of("apt-get", "download", PACKAGE), work, FETCH_TIMEOUT_SECONDS);
                Path deb;
                try (Stream<Path> s = Files.list(work)) {
                    deb = s.filter(p -> p.getFileName().toString().endsWith(".deb")).findFirst()
                            .orElseThrow(() -> new DataUnavailableException("apt-get download " + PACKAGE
                                    + " left no .deb in " + work));
                }
                Path unpacked = work.resolve("extracted");
                ExternalCommand.run(List.of("dpkg", "-x", deb.toString(), unpacked.toString()), work,
                        FETCH_TIMEOUT_SECONDS);
                findIdxFolder(unpacked).orElseThrow(() -> new DataUnavailableException(PACKAGE
                        + " unpacked but holds no train-images-idx3-ubyte(.gz); has its layout changed?"));
                BrownCorpus.deleteTree(dir.resolve("extracted"));
                Files.move(unpacked, dir.resolve("extracted"));
            } finally {
                BrownCorpus.deleteTree(work);
            }
        } catch (IOException e) {
            throw new DataUnavailableException("cannot use the cache folder " + dir + ": " + e.getMessage(), e);
        }
        return findIdxFolder(dir.resolve("extracted")).orElseThrow();
    }

    /** Reads the four IDX files of a folder and checks that they agree. */
    public static ImageDataset fromFolder(Path folder, double valFraction) {
        ImageSplit train = split(folder, "train", "train");
        ImageSplit test = split(folder, "t10k", "test");
        return ImageDataset.of(NAME, PACKAGE + " from " + folder, train, test, valFraction, CLASSES);
    }

    private static ImageSplit split(Path folder, String prefix, String name) {
        IdxReader.IdxArray images = IdxReader.read(file(folder, prefix + "-images-idx3-ubyte"), 3);
        IdxReader.IdxArray labels = IdxReader.read(file(folder, prefix + "-labels-idx1-ubyte"), 1);
        if (images.count() != labels.count()) {
            throw new DataUnavailableException(images.file() + " holds " + images.count() + " images but "
                    + labels.file() + " holds " + labels.count() + " labels");
        }
        for (int i = 0; i < labels.count(); i++) {
            int l = labels.data()[i] & 0xFF;
            if (l >= CLASSES.size()) {
                throw new DataUnavailableException(labels.file() + ": label " + l + " at index " + i
                        + " is not a class 0.." + (CLASSES.size() - 1));
            }
        }
        return new ImageSplit(name, images.count(), images.dims()[1], images.dims()[2], images.data(), labels.data());
    }

    private static Path file(Path folder, String base) {
        Path gz = folder.resolve(base + ".gz");
        return Files.exists(gz) ? gz : folder.resolve(base);
    }

    private static Optional<Path> findIdxFolder(Path root) {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.equals("train-images-idx3-ubyte.gz") || n.equals("train-images-idx3-ubyte");
            }).map(Path::getParent).min(Comparator.naturalOrder());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
