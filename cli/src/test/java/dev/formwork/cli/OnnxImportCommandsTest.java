package dev.formwork.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.io.Npy;
import dev.formwork.proto.onnx.OnnxProto.AttributeProto;
import dev.formwork.proto.onnx.OnnxProto.GraphProto;
import dev.formwork.proto.onnx.OnnxProto.ModelProto;
import dev.formwork.proto.onnx.OnnxProto.NodeProto;
import dev.formwork.proto.onnx.OnnxProto.OperatorSetIdProto;
import dev.formwork.proto.onnx.OnnxProto.StringStringEntryProto;
import dev.formwork.proto.onnx.OnnxProto.TensorProto;
import dev.formwork.proto.onnx.OnnxProto.TensorShapeProto;
import dev.formwork.proto.onnx.OnnxProto.TypeProto;
import dev.formwork.proto.onnx.OnnxProto.ValueInfoProto;
import dev.formwork.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI on .onnx inputs: run --engine reference, inspect --graph, inspect listing what blocks an import, clean refusals. */
class OnnxImportCommandsTest {
    @TempDir
    Path dir;

    static final Path TINY = TestData.golden("tiny_v1_64").resolve("torch_opset13.onnx");
    static final Path INPUT = TestData.golden("tiny_v1_64").resolve("input.npy");

    private static ValueInfoProto io(String name, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
    }

    /** x -> Celu -> Erfc -> Relu (with an attribute Relu does not have): three problems in one file. */
    private Path blocked() throws Exception {
        GraphProto g = GraphProto.newBuilder().setName("g").addInput(io("x", 1, 4)).addOutput(io("z", 1, 4))
                .addNode(NodeProto.newBuilder().setName("hs").setOpType("Celu").addInput("x").addOutput("y"))
                .addNode(NodeProto.newBuilder().setName("erfc").setOpType("Erfc").addInput("y").addOutput("w"))
                .addNode(NodeProto.newBuilder().setName("relu").setOpType("Relu").addInput("w").addOutput("z")
                        .addAttribute(AttributeProto.newBuilder().setName("alpha").setType(AttributeProto.AttributeType.FLOAT).setF(0.1f)))
                .build();
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(g).build();
        Path p = dir.resolve("blocked.onnx");
        Files.write(p, m.toByteArray());
        return p;
    }

    /** A model whose output is a feature map: the NHWC artifacts' 4-D outputs are compared in NCHW. */
    @Test
    void verifyComparesFourDimensionalOutputsOfNhwcArtifacts() throws Exception {
        Path model = TestData.root().resolve("onnx-node-full/test_averagepool_2d_default/model.onnx");
        Path out = dir.resolve("out");
        CliHarness.Outcome o = CliHarness.run("convert", model.toString(), "--target", "tflite,savedmodel,onnx", "--verify", "--out", out.toString());
        assertEquals(Main.OK, o.exit(), o.err());
        assertEquals(3, o.out().lines().filter(l -> l.startsWith("verify ") && l.contains(" PASS ")).count(), o.out());
    }

    @Test
    void runWithTheReferenceEngineImportsTheFile() throws Exception {
        Path ref = dir.resolve("ref.npy"), ort = dir.resolve("ort.npy");
        CliHarness.Outcome o = CliHarness.run("run", TINY.toString(), "--engine", "reference", "--input", INPUT.toString(), "--output", ref.toString());
        assertEquals(Main.OK, o.exit(), o.err());
        assertTrue(o.err().contains("reference interpreter"), o.err());
        CliHarness.Outcome auto = CliHarness.run("run", TINY.toString(), "--input", INPUT.toString(), "--output", ort.toString());
        assertEquals(Main.OK, auto.exit(), auto.err());
        assertTrue(auto.err().contains("onnxruntime"), "the default engine for .onnx stays ONNX Runtime: " + auto.err());
        NdArray a = Npy.read(ref), b = Npy.read(ort), want = Npy.read(TestData.golden("tiny_v1_64").resolve("expected.npy"));
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.data()[i], a.data()[i], 2e-5, "reference " + i);
            assertEquals(want.data()[i], b.data()[i], 2e-5, "onnxruntime " + i);
        }
    }

    @Test
    void dynamicFilesRunOnBothEnginesAndConvertWithBindings() throws Exception {
        Path f = TestData.root().resolve("onnx-import").resolve("tiny_block_dynamic.onnx");
        Path x = TestData.root().resolve("onnx-import").resolve("tiny_block_dynamic.input.npy");
        NdArray want = Npy.read(TestData.root().resolve("onnx-import").resolve("tiny_block_dynamic.expected.npy"));
        for (String engine : new String[] {"reference", "auto"}) {
            Path y = dir.resolve(engine + ".npy");
            CliHarness.Outcome o = CliHarness.run("run", f.toString(), "--engine", engine, "--input", x.toString(), "--output", y.toString());
            assertEquals(Main.OK, o.exit(), o.err());
            NdArray got = Npy.read(y);
            for (int i = 0; i < want.size(); i++) assertEquals(want.data()[i], got.data()[i], 1e-5, engine + " " + i);
        }
        Path out = dir.resolve("dist");
        CliHarness.Outcome unbound = CliHarness.run("convert", f.toString(), "--target", "onnx", "--out", out.toString());
        assertEquals(Main.BAD_INPUT, unbound.exit(), unbound.err());
        assertTrue(unbound.errorLine().contains("input input: dim 2 (height) is dynamic; bind it with --image-size"), unbound.errorLine());
        CliHarness.Outcome bound = CliHarness.run("convert", f.toString(), "--target", "onnx", "--batch", "3", "--image-size", "32",
                "--out", out.toString());
        assertEquals(Main.OK, bound.exit(), bound.err());
        CliHarness.Outcome info = CliHarness.run("inspect", out.resolve("tiny_block_dynamic.onnx").toString(), "--json");
        assertTrue(info.out().replace(" ", "").contains("\"shape\":[3,3,32,32]"), info.out());
    }

    @Test
    void formworksOwnExportImportsBack() throws Exception {
        Path g = TestData.golden("tiny_v2_64");
        Path out = dir.resolve("own"), a = dir.resolve("a.npy"), b = dir.resolve("b.npy");
        String[] model = {g.resolve("config.json").toString(), "--weights", g.resolve("weights.safetensors").toString()};
        CliHarness.Outcome c = CliHarness.run(concat(new String[] {"convert"}, model, new String[] {"--batch", "2", "--target", "onnx",
                "--opset", "20", "--out", out.toString()}));
        assertEquals(Main.OK, c.exit(), c.err());
        CliHarness.Outcome direct = CliHarness.run(concat(new String[] {"run"}, model, new String[] {"--input", INPUT2.toString(), "--output", a.toString()}));
        assertEquals(Main.OK, direct.exit(), direct.err());
        CliHarness.Outcome imported = CliHarness.run("run", out.resolve("config.onnx").toString(), "--engine", "reference",
                "--input", INPUT2.toString(), "--output", b.toString());
        assertEquals(Main.OK, imported.exit(), imported.err());
        NdArray x = Npy.read(a), y = Npy.read(b);
        for (int i = 0; i < x.size(); i++) assertEquals(x.data()[i], y.data()[i], 1e-5, "logit " + i);
    }

    private static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }

    static final Path INPUT2 = TestData.golden("tiny_v2_64").resolve("input.npy");

    @Test
    void inspectGraphPrintsTheImportedIr() {
        CliHarness.Outcome o = CliHarness.run("inspect", TINY.toString(), "--graph");
        assertEquals(Main.OK, o.exit(), o.err());
        assertTrue(o.out().startsWith("graph torch_opset13 (%input: float32[2,3,64,64])"), o.out());
        assertTrue(o.out().contains("Conv(") || o.out().contains("Conv "), o.out());
        assertFalse(o.out().contains("Shape"), "shape chains are folded at import");
        CliHarness.Outcome plain = CliHarness.run("inspect", TINY.toString());
        assertEquals(Main.OK, plain.exit(), plain.err());
        assertTrue(plain.out().contains("import   supported"), plain.out());
    }

    @Test
    void inspectListsEveryBlockingOpAndAttribute() throws Exception {
        Path p = blocked();
        CliHarness.Outcome o = CliHarness.run("inspect", p.toString());
        assertEquals(Main.OK, o.exit(), o.err());
        assertTrue(o.out().contains("import   blocked by 3 problems"), o.out());
        assertTrue(o.out().contains("node hs (Celu, opset 17): unsupported op"), o.out());
        assertTrue(o.out().contains("node erfc (Erfc, opset 17): unsupported op"), o.out());
        assertTrue(o.out().contains("node relu (Relu, opset 17): unsupported attribute alpha"), o.out());
        CliHarness.Outcome json = CliHarness.run("inspect", p.toString(), "--json");
        assertTrue(json.out().replace(" ", "").contains("\"importable\":false"), json.out());
    }

    @Test
    void blockedFilesAreRefusedInOneLineWithNothingWritten() throws Exception {
        Path p = blocked(), out = dir.resolve("dist");
        CliHarness.Outcome c = CliHarness.run("convert", p.toString(), "--target", "onnx,tflite", "--out", out.toString());
        assertEquals(Main.BAD_INPUT, c.exit(), c.err());
        assertTrue(c.errorLine().contains("blocked.onnx: node hs (Celu, opset 17): unsupported op"), c.errorLine());
        assertFalse(c.err().contains("\tat "), c.err());
        assertFalse(Files.exists(out.resolve("blocked.onnx")) || Files.exists(out.resolve("blocked.tflite")));
        CliHarness.Outcome g = CliHarness.run("inspect", p.toString(), "--graph");
        assertEquals(Main.BAD_INPUT, g.exit(), g.err());
        assertTrue(g.errorLine().contains("(and 2 more; inspect without --graph lists them)"), g.errorLine());
        CliHarness.Outcome w = CliHarness.run("convert", TINY.toString(), "--weights", "w.safetensors", "--target", "onnx", "--out", out.toString());
        assertEquals(Main.BAD_INPUT, w.exit(), w.err());
        assertTrue(w.errorLine().contains("--weights does not apply"), w.errorLine());
    }

    /** y = x W with W [4,3] stored as external data at {@code location}, relative to the model's folder. */
    private Path externalModel(String location) throws Exception {
        TensorProto.Builder w = TensorProto.newBuilder().setName("W").setDataType(1).addDims(4).addDims(3)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue("8"))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue("48"))
                .setDataLocation(TensorProto.DataLocation.EXTERNAL);
        GraphProto g = GraphProto.newBuilder().setName("g").addInput(io("x", 2, 4)).addOutput(io("y", 2, 3)).addInitializer(w)
                .addNode(NodeProto.newBuilder().setName("mm").setOpType("MatMul").addInput("x").addInput("W").addOutput("y")).build();
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(g).build();
        Path p = Files.createDirectories(dir.resolve("model")).resolve("ext.onnx");
        Files.write(p, m.toByteArray());
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 48).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(-1); // 8 bytes before the tensor: the offset is honoured
        for (int i = 0; i < 12; i++) b.putFloat(i + 1);
        Files.write(dir.resolve("model").resolve("weights.bin"), b.array());
        return p;
    }

    @Test
    void externalDataIsReadInsideTheModelsFolderOnly() throws Exception {
        Path model = externalModel("weights.bin");
        Path x = dir.resolve("x.npy"), y = dir.resolve("y.npy");
        Files.write(x, Npy.encode(NdArray.of(new int[] {2, 4}, new float[] {1, 0, 0, 0, 0, 1, 1, 0})));
        CliHarness.Outcome o = CliHarness.run("run", model.toString(), "--engine", "reference", "--input", x.toString(), "--output", y.toString());
        assertEquals(Main.OK, o.exit(), o.err());
        // W rows: [1,2,3] [4,5,6] [7,8,9] [10,11,12]; x0 = row 0, x1 = row 1 + row 2
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {1, 2, 3, 11, 13, 15}, Npy.read(y).data());
        Path evil = externalModel("../weights.bin");
        CliHarness.Outcome bad = CliHarness.run("run", evil.toString(), "--engine", "reference", "--input", x.toString(), "--output", y.toString());
        assertEquals(Main.BAD_INPUT, bad.exit(), bad.err());
        assertTrue(bad.errorLine().contains("tensor W has external data at ../weights.bin, outside the model's folder"), bad.errorLine());
    }

    @Test
    void theReportHoldsTheFilesOpTableBeforeAndTheArtifactsAfter() throws Exception {
        Path out = dir.resolve("dist"), report = dir.resolve("report.json");
        CliHarness.Outcome c = CliHarness.run("convert", TINY.toString(), "--target", "onnx", "--out", out.toString(), "--report", report.toString());
        assertEquals(Main.OK, c.exit(), c.err());
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.toFile());
        assertEquals(171, json.get("source_file").get("nodes").asInt(), "torch_opset13.onnx has 171 nodes (testdata/golden/README.md)");
        assertEquals(33, json.get("source_file").get("ops").get("Constant").asInt());
        var after = json.get("artifacts").get(0).get("ops");
        assertFalse(after.has("Constant"), after.toString());
        int nodes = 0;
        for (var it = after.elements(); it.hasNext(); ) nodes += it.next().asInt();
        assertTrue(nodes < 171, "re-export has " + nodes + " nodes");
    }

    @Test
    void convertingAnImportedFileTwiceGivesIdenticalBytes() throws Exception {
        byte[][] files = new byte[2][];
        for (int i = 0; i < 2; i++) {
            Path out = dir.resolve("r" + i);
            CliHarness.Outcome c = CliHarness.run("convert", TINY.toString(), "--target", "onnx,tflite", "--out", out.toString());
            assertEquals(Main.OK, c.exit(), c.err());
            byte[] onnx = Files.readAllBytes(out.resolve("torch_opset13.onnx")), tflite = Files.readAllBytes(out.resolve("torch_opset13.tflite"));
            files[i] = java.util.Arrays.copyOf(onnx, onnx.length + tflite.length);
            System.arraycopy(tflite, 0, files[i], onnx.length, tflite.length);
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(files[0], files[1]);
    }
}
