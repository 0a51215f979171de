package dev.formwork.fuzz.targets;

import dev.formwork.exporters.ArtifactReaders;
import dev.formwork.exporters.onnx.OnnxReader;
import dev.formwork.fuzz.FuzzTarget;
import dev.formwork.fuzz.Seeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code .onnx} as {@code inspect} reads it and as {@code run} checks it before handing it to
 * ONNX Runtime. Seeds: Formwork's own tiny export and, inside the source tree, the ONNX node
 * conformance models.
 */
public final class OnnxTarget implements FuzzTarget {
    private static final int NODE_MODELS = 40;

    @Override
    public String name() {
        return "onnx";
    }

    @Override
    public List<byte[]> seeds(Path work) throws IOException {
        List<Path> files = new ArrayList<>(Seeds.files(Seeds.artifacts(work), ".onnx"));
        Path td = Seeds.testdata();
        if (td != null) {
            try (var s = Files.list(td.resolve("onnx-node"))) {
                s.map(d -> d.resolve("model.onnx")).filter(Files::isRegularFile).sorted().limit(NODE_MODELS).forEach(files::add);
            }
        }
        return Seeds.read(files);
    }

    @Override
    public Path materialize(byte[] input, Path dir) throws IOException {
        return Files.write(dir.resolve("model.onnx"), input);
    }

    @Override
    public void read(Path file) {
        OnnxReader.validate(file);
        ArtifactReaders.read(file);
    }
}
