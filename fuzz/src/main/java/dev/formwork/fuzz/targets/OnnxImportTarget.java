package dev.formwork.fuzz.targets;

import dev.formwork.frontends.onnx.ImportOptions;
import dev.formwork.frontends.onnx.OnnxImporter;
import dev.formwork.fuzz.FuzzTarget;
import dev.formwork.fuzz.ProtobufMutations;
import dev.formwork.fuzz.Seeds;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.GraphVerifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code .onnx} through the importer, as {@code convert model.onnx} and {@code run model.onnx
 * --engine reference} read it: the wire reader, the graph import with its constant folding, and
 * the IR verifier's shape inference over the built graph. Seeds: testdata/onnx-import, the tiny
 * golden torch exports and the ONNX node conformance models that import as they are (batch 1).
 *
 * <p>Byte-level mutations mostly break the outermost message, so nine in ten of them stop in the
 * wire reader. Half of the inputs (those whose bytes hash to an even number, so a saved input
 * reproduces) are therefore replaced by one to three {@link ProtobufMutations} of the seed the
 * hash picks: fields changed deep inside a file whose lengths still add up. A regression file
 * is the file as it was read, kept with an odd hash (a trailing unknown field makes it so).
 */
public final class OnnxImportTarget implements FuzzTarget {
    private static final int NODE_MODELS = 40;
    private static final ImportOptions OPTIONS = new ImportOptions(1, null, Map.of());
    private final List<byte[]> seeds = new ArrayList<>();

    @Override
    public String name() {
        return "onnx-import";
    }

    @Override
    public synchronized List<byte[]> seeds(Path work) throws IOException {
        if (!seeds.isEmpty()) return seeds;
        Path td = Seeds.testdata();
        if (td == null) throw new IOException("onnx-import seeds come from testdata/; run inside the source tree");
        List<Path> files = new ArrayList<>(Seeds.files(td.resolve("onnx-import"), ".onnx"));
        files.add(td.resolve("golden/tiny_v1_64/torch_opset13.onnx"));
        files.add(td.resolve("golden/tiny_v1_64/torch_opset17.onnx"));
        try (var s = Files.list(td.resolve("onnx-node"))) {
            s.map(d -> d.resolve("model.onnx")).filter(Files::isRegularFile).sorted().forEach(files::add);
        }
        int nodeModels = 0;
        for (Path f : files) {
            boolean node = f.getParent().getParent().getFileName().toString().equals("onnx-node");
            if (node && nodeModels >= NODE_MODELS) continue;
            byte[] b = Files.readAllBytes(f);
            // A seed must be a valid input: node tests whose weights arrive as inputs cannot import as they are.
            Path dir = Files.createTempDirectory(work, "seed");
            try {
                read(materialize(b, dir));
            } catch (FormworkException e) {
                continue;
            } finally {
                dev.formwork.exporters.AtomicOutput.deleteRecursively(dir);
            }
            seeds.add(b);
            if (node) nodeModels++;
        }
        return seeds;
    }

    @Override
    public List<byte[]> tokens() {
        return List.of(Seeds.ascii("../../etc/passwd"), Seeds.ascii("/dev/zero"), Seeds.ascii("external_data"),
                new byte[] {0x08, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x40},
                new byte[] {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07});
    }

    @Override
    public Path materialize(byte[] input, Path dir) throws IOException {
        byte[] b = input;
        int h = Arrays.hashCode(input);
        if ((h & 1) == 0 && !seeds.isEmpty() && !isSeed(input)) {
            SplittableRandom random = new SplittableRandom(h);
            b = seeds.get(random.nextInt(seeds.size()));
            for (int i = 1 + random.nextInt(3); i > 0; i--) b = ProtobufMutations.mutate(b, random);
        }
        return Files.write(dir.resolve("model.onnx"), b);
    }

    private boolean isSeed(byte[] input) {
        for (byte[] s : seeds) if (s == input || s.length == input.length && Arrays.equals(s, input)) return true;
        return false;
    }

    @Override
    public void read(Path file) {
        GraphVerifier.verify(OnnxImporter.importFile(file, OPTIONS));
    }
}
