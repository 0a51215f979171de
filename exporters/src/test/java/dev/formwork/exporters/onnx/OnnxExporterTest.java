package dev.formwork.exporters.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ArtifactInfo;
import dev.formwork.exporters.ArtifactReaders;
import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.Exporters;
import dev.formwork.exporters.FormworkVersion;
import dev.formwork.ir.Attributes;
import dev.formwork.ir.DType;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.ValueType;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.op.OpDef;
import dev.formwork.ir.op.OpRegistry;
import dev.formwork.passes.TargetProfile;
import dev.formwork.proto.onnx.OnnxProto.ModelProto;
import dev.formwork.proto.onnx.OnnxProto.StringStringEntryProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model-level contracts: versions, producer, metadata, names, determinism, refusals, read-back. */
class OnnxExporterTest {
    /** An op no exporter knows, to see the refusal message. */
    static final class Foo extends OpDef {
        Foo() {
            super("TestOnlyFoo", "identity, unknown to exporters");
        }

        @Override
        public List<ValueType> infer(Node node, List<ValueType> inputs) {
            return one(inputs.get(0));
        }

        @Override
        public NdArray[] compute(Node node, NdArray[] inputs) {
            return inputs;
        }
    }

    static {
        if (!OpRegistry.has("TestOnlyFoo")) OpRegistry.register(new Foo());
    }

    @Test
    void registeredAsTheOnnxTarget() {
        assertTrue(Exporters.forTarget("onnx") instanceof OnnxExporter);
        assertEquals("m.onnx", Exporters.forTarget("onnx").fileName("m"));
    }

    @Test
    void irVersionFollowsTheOnnxReleaseTable() {
        Map<Integer, Integer> expected = Map.of(13, 7, 14, 7, 15, 8, 16, 8, 17, 8, 18, 8, 19, 9, 20, 9, 21, 10, 22, 10);
        for (var e : expected.entrySet()) {
            ModelProto m = ExportHarness.model(MatMulLoweringTest.graph(), ExportHarness.opset(e.getKey()));
            assertEquals((long) e.getValue(), m.getIrVersion(), "opset " + e.getKey());
            assertEquals(e.getKey().longValue(), m.getOpsetImport(0).getVersion());
            OnnxChecker.check(m.toByteArray());
        }
    }

    @Test
    void refusesOpsetsOutside13To22() {
        for (int bad : new int[] {12, 23}) {
            var ex = assertThrows(FormworkException.class,
                    () -> new OnnxExporter().check(MatMulLoweringTest.graph(), ExportHarness.opset(bad)));
            assertEquals("--opset " + bad + ": the onnx exporter writes opsets 13..22", ex.getMessage());
        }
    }

    @Test
    void refusesAnUnsupportedOpNamingTheNode() {
        Graph g = new Graph("g");
        var x = g.addInput("input", ValueType.f32(1, 2));
        g.addOutput(g.apply("TestOnlyFoo", "stages.0.x", x));
        var ex = assertThrows(FormworkException.class, () -> new OnnxExporter().check(g, new ExportOptions()));
        assertEquals("node stages.0.x (TestOnlyFoo): not supported by the onnx exporter", ex.getMessage());
    }

    @Test
    void refusesNhwcLayout() {
        Graph g = new Graph("g");
        var x = g.addInput("input", ValueType.f32(1, 4, 4, 2));
        g.addOutput(g.apply("AveragePool", "stages.0.pool", Attributes.of("kernel", new long[] {3, 3}, "pads", new long[] {1, 1, 1, 1}, "layout", "NHWC"), x));
        var ex = assertThrows(FormworkException.class, () -> new OnnxExporter().check(g, new ExportOptions()));
        assertTrue(ex.getMessage().startsWith("node stages.0.pool (AveragePool): layout NHWC not supported by the onnx exporter"), ex.getMessage());
        assertFalse(ex.getMessage().contains("\n"));
    }

    @Test
    void profileFollowsTheOpset() {
        OnnxExporter e = new OnnxExporter();
        TargetProfile p13 = e.profile(ExportHarness.opset(13)), p17 = e.profile(ExportHarness.opset(17)), p20 = e.profile(ExportHarness.opset(20));
        // Exact GELU stays whole below 20 too: it is written as the chain ONNX Runtime fuses.
        assertEquals(Set.of("none"), p17.nativeGelu());
        assertEquals(Set.of("none", "tanh"), p20.nativeGelu());
        assertFalse(p13.nativeLayerNorm());
        assertTrue(p17.nativeLayerNorm());
        assertEquals(TargetProfile.Layout.NCHW, p17.layout());
        assertTrue(p17.supportedOps().containsAll(Set.of("Conv", "Gelu", "LayerNorm", "Linear", "Resize", "Gather", "Constant")));
        for (OpDef op : OpRegistry.all()) {
            if (!op.name().startsWith("TestOnly")) assertTrue(p17.supportedOps().contains(op.name()), "no writer for " + op.name());
        }
    }

    @Test
    void stampsProducerMetadataAndInterface() {
        Graph g = MatMulLoweringTest.graph();
        g.metadata().put("weights_sha256", "from-graph");
        g.metadata().put("graph_only", "x");
        ExportOptions o = new ExportOptions().withMetadata("model", "efficientformer-l1").withMetadata("weights_sha256", "abc")
                .withMetadata("input_mean", "0.485,0.456,0.406");
        ModelProto m = ExportHarness.model(g, o);
        assertEquals("formwork", m.getProducerName());
        assertEquals(FormworkVersion.VERSION, m.getProducerVersion());
        List<String> kv = m.getMetadataPropsList().stream().map(p -> p.getKey() + "=" + p.getValue()).toList();
        assertEquals(List.of("model=efficientformer-l1", "weights_sha256=abc", "input_mean=0.485,0.456,0.406", "graph_only=x",
                "formwork_version=" + FormworkVersion.VERSION), kv);
        assertEquals(1, m.getGraph().getInputCount(), "initializers are not graph inputs");
        assertEquals("input", m.getGraph().getInput(0).getName());
        assertEquals("head", m.getGraph().getOutput(0).getName());
    }

    @Test
    void twoExportsAreByteIdentical(@TempDir Path dir) throws Exception {
        for (ExportOptions o : List.of(ExportHarness.opset(17), ExportHarness.opset(20).withPrecision(ExportOptions.Precision.FP16, true))) {
            Path a = dir.resolve("a.onnx"), b = dir.resolve("b.onnx");
            new OnnxExporter().write(NormLoweringTest.graph(), o, a);
            new OnnxExporter().write(NormLoweringTest.graph(), o, b);
            assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
            assertArrayEquals(ExportHarness.export(NormLoweringTest.graph(), o), Files.readAllBytes(a), "write() streams toModel()");
        }
    }

    @Test
    void readerReportsWhatWasWritten(@TempDir Path dir) throws Exception {
        Graph g = ConvPoolLoweringTest.graph();
        Path p = dir.resolve("m.onnx");
        new OnnxExporter().write(g, ExportHarness.opset(17).withMetadata("model", "convpool"), p);
        ArtifactInfo info = ArtifactReaders.read(p);
        assertEquals("onnx", info.format());
        assertEquals(g.constantElementCount(), info.params());
        assertEquals(g.macs(), info.macs());
        assertEquals(Map.of("AveragePool", 2, "Conv", 2, "Sub", 1), info.ops());
        assertEquals(List.of("AveragePool", "Conv", "Sub"), List.copyOf(info.ops().keySet()));
        assertEquals(new ArtifactInfo.Io("input", DType.FLOAT32, Shape.of(2, 4, 9, 9)), info.inputs().get(0));
        assertEquals(2, info.outputs().size());
        assertEquals("17", info.details().get("opset"));
        assertEquals("8", info.details().get("ir_version"));
        assertEquals("formwork " + FormworkVersion.VERSION, info.details().get("producer"));
        assertEquals("convpool", info.details().get("metadata.model"));
    }

    @Test
    void readerNamesABadFile(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("broken.onnx");
        Files.write(p, new byte[] {0x08, (byte) 0xff, 0x12});
        var ex = assertThrows(FormworkException.class, () -> ArtifactReaders.read(p));
        assertTrue(ex.getMessage().startsWith(p.toString()), ex.getMessage());
        Path missing = dir.resolve("missing.onnx");
        assertEquals(missing + ": no such file", assertThrows(FormworkException.class, () -> ArtifactReaders.read(missing)).getMessage());
    }

    @Test
    void metadataEntriesAreStringPairs() {
        ModelProto m = ExportHarness.model(MatMulLoweringTest.graph(), new ExportOptions());
        for (StringStringEntryProto e : m.getMetadataPropsList()) assertFalse(e.getKey().isEmpty());
    }
}
