package dev.formwork.exporters.coreml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ArtifactInfo;
import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.FormworkVersion;
import dev.formwork.ir.DType;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** inspect's view of both formats, and the metadata the writers record. */
class CoreMlReaderTest {
    @TempDir Path dir;

    private final CoreMlReader reader = new CoreMlReader();

    private static final ExportOptions META = new ExportOptions().withName("m").withMetadata("author", "Ada")
            .withMetadata("license", "MIT").withMetadata("version", "1.2").withMetadata("description", "tiny block")
            .withMetadata("weights_sha256", "00ff").withMetadata("model", "meta4d-test");

    @Test
    void readsAnMlPackage() throws Exception {
        Graph g = TinyGraphs.meta4d();
        Path p = CoreMlFiles.mlpackage(g, META, dir);
        assertTrue(reader.accepts(p));
        ArtifactInfo info = reader.read(p);
        assertEquals("coreml-mlprogram", info.format());
        assertEquals(Map.of("add", 2, "avg_pool", 1, "cast", 2, "conv", 2, "gelu", 1, "linear", 1, "mul", 1, "reduce_mean", 1, "sub", 1), info.ops());
        assertEquals(g.macs(), info.macs());
        assertTrue(info.params() >= g.constantElementCount(), info.params() + " float const elements");
        assertEquals(List.of(new ArtifactInfo.Io("x", DType.FLOAT32, Shape.of(1, 8, 7, 7))), info.inputs());
        assertEquals(List.of(new ArtifactInfo.Io("head", DType.FLOAT32, Shape.of(1, 5))), info.outputs());
        Map<String, String> d = info.details();
        assertEquals("7", d.get("specificationVersion"));
        assertEquals("CoreML6", d.get("opset"));
        assertEquals("Ada", d.get("author"));
        assertEquals("MIT", d.get("license"));
        assertEquals("1.2", d.get("version"));
        assertEquals("tiny block", d.get("description"));
        assertEquals("00ff", d.get("metadata.weights_sha256"));
        assertEquals("meta4d-test", d.get("metadata.model"));
        assertEquals(FormworkVersion.VERSION, d.get("metadata.formwork_version"));
    }

    @Test
    void readsAnMlModelAndItsClassifierOutputs() throws Exception {
        Graph g = TinyGraphs.attention();
        ArtifactInfo info = reader.read(CoreMlFiles.mlmodel(g, META, dir));
        assertEquals("coreml-neuralnetwork", info.format());
        assertEquals(4, info.ops().get("batchedMatmul"));
        assertEquals(1, info.ops().get("layerNormalization"));
        assertEquals(g.macs(), info.macs());
        assertEquals("4", info.details().get("specificationVersion"));
        assertFalse(info.details().containsKey("opset"));
        ArtifactInfo cls = reader.read(CoreMlFiles.mlmodel(TinyGraphs.meta4d(), META.withName("c").withLabels(List.of("a", "b", "c", "d", "e")), dir));
        assertEquals(List.of(new ArtifactInfo.Io("classLabel_probs", DType.FLOAT32, Shape.of(5))), cls.outputs());
        assertEquals("classLabel", cls.details().get("classifier.predictedFeature"));
        ArtifactInfo mil = reader.read(CoreMlFiles.mlpackage(TinyGraphs.meta4d(), META.withName("c").withLabels(List.of("a", "b", "c", "d", "e")), dir));
        assertEquals(List.of(new ArtifactInfo.Io("classLabel_probs", DType.FLOAT32, Shape.of(5))), mil.outputs());
    }

    @Test
    void paramsCountStoredWeightElements() throws Exception {
        Graph g = TinyGraphs.stem(1);
        ArtifactInfo nn = reader.read(CoreMlFiles.mlmodel(g, META, dir));
        assertEquals(g.constantElementCount(), nn.params());
        ArtifactInfo mil = reader.read(CoreMlFiles.mlpackage(g, META.withPrecision(ExportOptions.Precision.FP32, true), dir));
        assertEquals(g.constantElementCount() + 1, mil.params(), "+ the batch_norm epsilon");
    }

    @Test
    void readsThirdPartyNeuralNetworks() throws Exception {
        Path sample = Path.of(CoreMlReaderTest.class.getResource("/coreml-samples/TinyDrawingEmbedding.mlmodel").toURI());
        ArtifactInfo info = reader.read(sample);
        assertEquals("coreml-neuralnetwork", info.format());
        assertEquals(Map.of("activation", 4, "convolution", 3, "flatten", 1, "innerProduct", 1, "pooling", 3), info.ops());
        assertEquals("1", info.details().get("specificationVersion"));
        assertEquals(Shape.of(1, 1, 28, 28), info.inputs().get(0).shape(), "grayscale image");
        assertEquals("embedding", info.outputs().get(0).name());
        assertTrue(info.params() > 0);
        ArtifactInfo keras = reader.read(Path.of(CoreMlReaderTest.class.getResource("/coreml-samples/keras2coreml_Dense_ImageNet_small.mlmodel").toURI()));
        assertEquals(Map.of("flatten", 1, "innerProduct", 1), keras.ops());
        assertEquals(27 * 2 + 2, keras.params());
    }

    @Test
    void refusesWhatIsNotCoreMl() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.mlmodel"), "");
        assertThrows(FormworkException.class, () -> reader.read(junk));
        Path pkg = Files.createDirectories(dir.resolve("empty.mlpackage"));
        assertTrue(reader.accepts(pkg));
        var e = assertThrows(FormworkException.class, () -> reader.read(pkg));
        assertTrue(e.getMessage().contains("Manifest.json"), e.getMessage());
        assertFalse(reader.accepts(dir.resolve("x.onnx")));
    }
}
