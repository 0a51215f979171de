package dev.formwork.fuzz.targets;

import dev.formwork.exporters.ArtifactReaders;
import dev.formwork.fuzz.FuzzTarget;
import dev.formwork.fuzz.Seeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code .tflite} as {@code inspect} reads it (verification, then the flatbuffer accessors). */
public final class TfliteTarget implements FuzzTarget {
    @Override
    public String name() {
        return "tflite";
    }

    @Override
    public List<byte[]> seeds(Path work) throws IOException {
        return Seeds.read(Seeds.files(Seeds.artifacts(work), ".tflite"));
    }

    @Override
    public Path materialize(byte[] input, Path dir) throws IOException {
        return Files.write(dir.resolve("model.tflite"), input);
    }

    @Override
    public void read(Path file) {
        ArtifactReaders.read(file);
    }
}
