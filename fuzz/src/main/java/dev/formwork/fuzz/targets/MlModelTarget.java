package dev.formwork.fuzz.targets;

import dev.formwork.exporters.ArtifactReaders;
import dev.formwork.exporters.coreml.validate.CoreMlValidator;
import dev.formwork.fuzz.FuzzTarget;
import dev.formwork.fuzz.Seeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A NeuralNetwork {@code .mlmodel} as {@code inspect} reads it and as the Core ML load rules check it. */
public final class MlModelTarget implements FuzzTarget {
    @Override
    public String name() {
        return "mlmodel";
    }

    @Override
    public List<byte[]> seeds(Path work) throws IOException {
        return Seeds.read(Seeds.files(Seeds.artifacts(work), ".mlmodel"));
    }

    @Override
    public Path materialize(byte[] input, Path dir) throws IOException {
        return Files.write(dir.resolve("model.mlmodel"), input);
    }

    @Override
    public void read(Path file) {
        ArtifactReaders.read(file);
        CoreMlValidator.validate(file);
    }
}
