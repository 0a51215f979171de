package dev.formwork.fuzz.targets;

import dev.formwork.exporters.ArtifactReaders;
import dev.formwork.exporters.coreml.validate.CoreMlValidator;
import dev.formwork.fuzz.FuzzTarget;
import dev.formwork.fuzz.Seeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * An ML Program {@code .mlpackage} folder. An input is one of the package's files behind a
 * one-byte tag saying which (0 Manifest.json, 1 the model spec, 2 the weight blob); the other
 * files come unchanged from the seed package, so each mutation hits one file of a real package.
 */
public final class MlPackageTarget implements FuzzTarget {
    private static final String[] FILES = {"Manifest.json", "Data/com.apple.CoreML/model.mlmodel",
        "Data/com.apple.CoreML/weights/weight.bin"};
    private Path template;

    @Override
    public String name() {
        return "mlpackage";
    }

    @Override
    public List<byte[]> seeds(Path work) throws IOException {
        try (Stream<Path> s = Files.list(Seeds.artifacts(work))) {
            template = s.filter(p -> p.getFileName().toString().endsWith(".mlpackage")).findFirst()
                    .orElseThrow(() -> new IOException("no .mlpackage among the seed artifacts"));
        }
        List<byte[]> seeds = new ArrayList<>();
        for (int i = 0; i < FILES.length; i++) {
            byte[] b = Files.readAllBytes(template.resolve(FILES[i]));
            byte[] tagged = new byte[b.length + 1];
            tagged[0] = (byte) i;
            System.arraycopy(b, 0, tagged, 1, b.length);
            seeds.add(tagged);
        }
        return seeds;
    }

    @Override
    public List<byte[]> tokens() {
        return List.of(Seeds.ascii("\"../../../etc/passwd\""), Seeds.ascii("\"/etc/passwd\""), Seeds.ascii("[".repeat(100_000)));
    }

    @Override
    public Path materialize(byte[] input, Path dir) throws IOException {
        Path pkg = dir.resolve("model.mlpackage");
        for (String f : FILES) {
            Path to = pkg.resolve(f);
            Files.createDirectories(to.getParent());
            Files.copy(template.resolve(f), to);
        }
        if (input.length > 0) Files.write(pkg.resolve(FILES[Math.floorMod(input[0], FILES.length)]), Arrays.copyOfRange(input, 1, input.length));
        return pkg;
    }

    @Override
    public void read(Path file) {
        ArtifactReaders.read(file);
        CoreMlValidator.validate(file);
    }
}
