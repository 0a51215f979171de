package dev.formwork.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.io.Npy;
import dev.formwork.proto.onnx.OnnxProto.GraphProto;
import dev.formwork.proto.onnx.OnnxProto.ModelProto;
import dev.formwork.proto.onnx.OnnxProto.NodeProto;
import dev.formwork.proto.onnx.OnnxProto.OperatorSetIdProto;
import dev.formwork.proto.onnx.OnnxProto.StringStringEntryProto;
import dev.formwork.proto.onnx.OnnxProto.TensorProto;
import dev.formwork.proto.onnx.OnnxProto.TypeProto;
import dev.formwork.proto.onnx.OnnxProto.ValueInfoProto;
import dev.formwork.testing.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hand-made hostile files, one or more per rule of the README's "Errors and limits": each run
 * exits 2 with the error as the last stderr line, no stack trace or raw Java exception text,
 * nothing new in the output folder, and stays within a 512 MB allocation budget (measured on
 * the running thread, so a reader that trusted a declared size would show here).
 */
class HostileInputTest {
    @TempDir
    Path dir;

    private Path out() throws IOException {
        return Files.createDirectories(dir.resolve("out"));
    }

    private String refused(String mustMention, String... args) throws IOException {
        return Refusals.refused(out(), mustMention, args);
    }

    private static String tiny() {
        return TestData.golden("tiny_v1_64").resolve("config.json").toString();
    }

    private String runWith(Path input) throws IOException {
        return out().resolve("y.npy").toString();
    }

    // ---- .npy

    private static byte[] npy(String dict, int dataBytes) {
        byte[] d = dict.getBytes(StandardCharsets.ISO_8859_1);
        int pad = (64 - (10 + d.length + 1) % 64) % 64;
        ByteBuffer b = ByteBuffer.allocate(10 + d.length + pad + 1 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) (d.length + pad + 1)).put(d);
        for (int i = 0; i < pad; i++) b.put((byte) ' ');
        b.put((byte) '\n');
        return b.array();
    }

    @Test
    void npyObjectArrayIsRefusedNotUnpickled() throws IOException {
        Path x = Files.write(dir.resolve("obj.npy"), npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", 8));
        refused("object arrays", "run", tiny(), "--input", x.toString(), "--output", runWith(x));
    }

    @Test
    void npyHeaderIsALiteralNotCode() throws IOException {
        Path marker = dir.resolve("marker");
        Path x = Files.write(dir.resolve("code.npy"), npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), "
                + "'x': __import__('os').system('touch " + marker + "')}", 4));
        refused("code.npy", "run", tiny(), "--input", x.toString(), "--output", runWith(x));
        assertFalse(Files.exists(marker));
    }

    @Test
    void npyDeepNestingIsAnErrorNotAStackOverflow() throws IOException {
        String deep = "(".repeat(100_000);
        byte[] d = ("{'descr': '<f4', 'fortran_order': False, 'shape': " + deep + "}").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(12 + d.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(d.length).put(d);
        Path x = Files.write(dir.resolve("deep.npy"), b.array());
        refused("deep.npy", "run", tiny(), "--input", x.toString(), "--output", runWith(x));
    }

    @Test
    void npyShapeWhoseProductOverflowsIsRefused() throws IOException {
        Path x = Files.write(dir.resolve("big.npy"), npy("{'descr': '<f4', 'fortran_order': False, "
                + "'shape': (2147483647, 2147483647, 2147483647), }", 4));
        refused("big.npy", "run", tiny(), "--input", x.toString(), "--output", runWith(x));
    }

    @Test
    void nanAndInfInputsAreCarriedThroughNotACrash() throws IOException {
        float[] v = new float[3 * 64 * 64];
        v[0] = Float.NaN;
        v[1] = Float.POSITIVE_INFINITY;
        v[2] = Float.NEGATIVE_INFINITY;
        Path x = Files.write(dir.resolve("nan.npy"), Npy.encode(NdArray.of(new int[] {1, 3, 64, 64}, v)));
        Path y = out().resolve("y.npy");
        CliHarness.Outcome o = CliHarness.run("run", tiny(), "--input", x.toString(), "--output", y.toString());
        assertEquals(Main.OK, o.exit(), o.err());
        assertArrayEquals(new int[] {1, 10}, Npy.read(y).shape());
    }

    // ---- safetensors

    private Path safetensors(String name, String header, long declaredLength, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredLength < 0 ? h.length : declaredLength).put(h);
        return Files.write(dir.resolve(name), b.array());
    }

    @Test
    void safetensorsLyingHeaderLengthIsRefusedBeforeAllocating() throws IOException {
        Path w = safetensors("lies.safetensors", "{}", Long.MAX_VALUE - 7, 0);
        refused("lies.safetensors", "inspect", tiny(), "--weights", w.toString());
        w = safetensors("lies2.safetensors", "{}", 1L << 40, 0);
        refused("lies2.safetensors", "inspect", tiny(), "--weights", w.toString());
    }

    @Test
    void safetensorsDeepNestingDuplicateKeysAndOverflowingShapes() throws IOException {
        Path w = safetensors("deep.safetensors", "{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}", -1, 0);
        refused("deep.safetensors", "inspect", tiny(), "--weights", w.toString());
        String e = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        w = safetensors("dup.safetensors", "{\"a\":" + e + ",\"a\":" + e + "}", -1, 4);
        refused("dup.safetensors", "inspect", tiny(), "--weights", w.toString());
        w = safetensors("huge.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647,4],"
                + "\"data_offsets\":[0,0]}}", -1, 0);
        refused("huge.safetensors", "inspect", tiny(), "--weights", w.toString());
    }

    // ---- JSON configs

    private Path config(String name, String json) throws IOException {
        return Files.writeString(dir.resolve(name), json);
    }

    private static final String CONFIG = "{\"family\": \"efficientformer\", \"depths\": [1, 1, 2, 2], \"embed_dims\": [16, 32, 48, 64],"
            + " \"num_vit\": 1, \"num_classes\": NC, \"image_size\": IS}";

    @Test
    void configIntegersMustBeJsonIntegers() throws IOException {
        for (String v : new String[] {"1.5", "\"ten\"", "1e400", "99999999999999999999"}) {
            Path c = config("c.json", CONFIG.replace("NC", v).replace("IS", "64"));
            refused("key \"num_classes\"", "inspect", c.toString());
            c = config("c.json", CONFIG.replace("NC", "10").replace("IS", v));
            refused("key \"image_size\"", "inspect", c.toString());
        }
    }

    @Test
    void configNestingIsBounded() throws IOException {
        Path c = config("deep.json", "{\"family\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}");
        refused("deep.json", "inspect", c.toString());
    }

    @Test
    void configTooSmallOrTooBigIsRefusedUpFront() throws IOException {
        refused("key \"num_classes\"", "inspect", config("c.json", CONFIG.replace("NC", "0").replace("IS", "64")).toString());
        refused("key \"image_size\"", "inspect", config("c.json", CONFIG.replace("NC", "10").replace("IS", "16")).toString());
        // 100,000 pixels: attention index tables of ~10^14 entries.
        refused("key \"image_size\"", "inspect", config("c.json", CONFIG.replace("NC", "10").replace("IS", "100000")).toString());
        refused("key \"embed_dims\"", "inspect", config("c.json", CONFIG.replace("NC", "10").replace("IS", "64")
                .replace("[16, 32, 48, 64]", "[16, 32, 48, 1000000]")).toString());
        refused("key \"num_classes\"", "inspect", config("c.json", CONFIG.replace("NC", "2000000000").replace("IS", "64")).toString());
        refused("key \"depths\"", "inspect", config("c.json", CONFIG.replace("NC", "10").replace("IS", "64")
                .replace("[1, 1, 2, 2]", "[1, 1, 2, 2000000000]")).toString());
    }

    @Test
    void theModelSizeLimitIsAFlag() throws IOException {
        Path c = config("c.json", CONFIG.replace("NC", "10").replace("IS", "64"));
        refused("--max-model-bytes", "inspect", c.toString(), "--max-model-bytes", "1k");
        assertEquals(Main.OK, CliHarness.run("inspect", c.toString(), "--max-model-bytes", "8g").exit());
    }

    // ---- ONNX

    private static ValueInfoProto value(String name) {
        TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(1);
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(t)).build();
    }

    private static NodeProto relu(String in, String out) {
        return NodeProto.newBuilder().setOpType("Relu").setName("relu_" + out).addInput(in).addOutput(out).build();
    }

    private Path onnx(String name, GraphProto.Builder g) throws IOException {
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).setGraph(g.setName("g"))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).build();
        return Files.write(dir.resolve(name), m.toByteArray());
    }

    private GraphProto.Builder graph(NodeProto... nodes) {
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("x")).addOutput(value("y"));
        for (NodeProto n : nodes) g.addNode(n);
        return g;
    }

    private void inspectAndRunRefuse(Path model, String mustMention) throws IOException {
        refused(mustMention, "inspect", model.toString());
        Path x = Files.write(dir.resolve("x.npy"), Npy.encode(NdArray.zeros(1, 4)));
        refused(mustMention, "run", model.toString(), "--input", x.toString(), "--output", out().resolve("y.npy").toString());
    }

    @Test
    void onnxGraphsAreValidatedBeforeUse() throws IOException {
        inspectAndRunRefuse(onnx("undef.onnx", graph(relu("nowhere", "y"))), "'nowhere' is undefined");
        inspectAndRunRefuse(onnx("twice.onnx", graph(relu("x", "y"), relu("x", "y"))), "'y' is defined twice");
        inspectAndRunRefuse(onnx("self.onnx", graph(relu("y", "y"))), "self-loop");
        inspectAndRunRefuse(onnx("cycle.onnx", graph(relu("b", "a"), relu("a", "b"), relu("x", "y"))), "cycle");
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(1).addDims(1000).addDims(1000)
                .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[16])).build();
        inspectAndRunRefuse(onnx("raw.onnx", graph(relu("x", "y")).addInitializer(w)), "raw_data holds 16 bytes");
        TensorProto huge = TensorProto.newBuilder().setName("h").setDataType(1).addDims(1L << 40).addDims(1L << 40).build();
        inspectAndRunRefuse(onnx("huge.onnx", graph(relu("x", "y")).addInitializer(huge)), "64 bits");
    }

    private Path external(String name, String location) throws IOException {
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(1).addDims(4)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location)).build();
        return onnx(name, graph(relu("x", "y")).addInitializer(w));
    }

    @Test
    void onnxExternalDataMustStayInsideTheModelFolder() throws IOException, InterruptedException {
        inspectAndRunRefuse(external("abs.onnx", "/etc/passwd"), "absolute");
        inspectAndRunRefuse(external("up.onnx", "../../etc/passwd"), "leaves");
        inspectAndRunRefuse(external("win.onnx", "C:\\Windows\\win.ini"), "absolute");
        // A FIFO outside the folder: opening it would block forever; it must not even be opened.
        Path models = Files.createDirectories(dir.resolve("models"));
        Path fifo = dir.resolve("fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, p.waitFor());
        Path m = Files.move(external("fifo.onnx", "../fifo"), models.resolve("fifo.onnx"));
        inspectAndRunRefuse(m, "leaves");
    }

    // ---- TFLite

    @Test
    void tfliteOffsetsAndIndicesAreVerifiedBeforeAccessorsRun() throws IOException {
        // Root offset beyond the file.
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(0x7ffffff0).put("TFL3".getBytes(StandardCharsets.US_ASCII));
        refused("root table", "inspect", Files.write(dir.resolve("root.tflite"), b.array()).toString());
        // Wrong identifier.
        b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(8).put("XXXX".getBytes(StandardCharsets.US_ASCII));
        refused("TFL3", "inspect", Files.write(dir.resolve("ident.tflite"), b.array()).toString());
        // A vtable that points at itself (soffset 0): fields would overlap the table header.
        b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(8).put("TFL3".getBytes(StandardCharsets.US_ASCII)).putInt(0).putInt(0);
        refused("vtable", "inspect", Files.write(dir.resolve("loop.tflite"), b.array()).toString());
    }

    @Test
    void tfliteOperatorCodeIndexOutOfRange() throws IOException {
        // Model{operator_codes: [], subgraphs: [SubGraph{operators: [Operator{opcode_index: 7}]}]}
        ByteBuffer b = ByteBuffer.allocate(96).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 20).put(4, (byte) 'T').put(5, (byte) 'F').put(6, (byte) 'L').put(7, (byte) '3');
        b.putShort(8, (short) 10).putShort(10, (short) 12).putShort(12, (short) 0).putShort(14, (short) 0).putShort(16, (short) 8);
        b.putInt(20, 12).putInt(28, 32 - 28); // Model table at 20, subgraphs field at 28 -> 32
        b.putInt(32, 1).putInt(36, 52 - 36); // subgraphs vector -> SubGraph at 52
        b.putShort(40, (short) 12).putShort(42, (short) 8).putShort(44, (short) 0).putShort(46, (short) 0)
                .putShort(48, (short) 0).putShort(50, (short) 4); // SubGraph vtable: operators (slot 3) at +4
        b.putInt(52, 52 - 40).putInt(56, 60 - 56); // SubGraph table -> operators vector at 60
        b.putInt(60, 1).putInt(64, 76 - 64); // operators vector -> Operator at 76
        b.putShort(68, (short) 6).putShort(70, (short) 8).putShort(72, (short) 4); // Operator vtable: opcode_index at +4
        b.putInt(76, 76 - 68).putInt(80, 7); // Operator table, opcode_index 7
        refused("operator code 7 of 0", "inspect", Files.write(dir.resolve("opcode.tflite"), b.array()).toString());
    }

    // ---- Core ML

    @Test
    void mlpackageItemPathsStayInsideThePackage() throws IOException {
        Path pkg = Files.createDirectories(dir.resolve("evil.mlpackage").resolve("Data"));
        Files.writeString(pkg.getParent().resolve("Manifest.json"), "{\"fileFormatVersion\": \"1.0.0\", \"rootModelIdentifier\": \"m\","
                + " \"itemInfoEntries\": {\"m\": {\"path\": \"../../../../../../etc/passwd\", \"name\": \"model.mlmodel\","
                + " \"author\": \"a\", \"description\": \"d\"}}}");
        refused("leaves the package", "inspect", pkg.getParent().toString());
    }

    // ---- no partial output, no leftovers

    @Test
    void leftoversOfAKilledRunAreRemovedAndFailuresWriteNothing() throws IOException {
        Path out = out();
        Files.writeString(out.resolve(".tiny.onnx.partial"), "half an artifact");
        Files.createDirectories(out.resolve(".tiny.mlpackage.partial").resolve("Data"));
        Path c = config("tiny.json", CONFIG.replace("NC", "10").replace("IS", "64"));
        assertEquals(Main.OK, CliHarness.run("convert", c.toString(), "--target", "onnx", "--out", out.toString()).exit());
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(List.of("tiny.onnx"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        Files.delete(out.resolve("tiny.onnx"));
        refused("key \"image_size\"", "convert", config("bad.json", CONFIG.replace("NC", "10").replace("IS", "8")).toString(),
                "--target", "all", "--out", out.toString());
    }

    @Test
    void withDebugTheErrorLineIsStillLast() throws IOException {
        Path c = config("c.json", CONFIG.replace("NC", "0").replace("IS", "64"));
        CliHarness.Outcome o = CliHarness.run("inspect", c.toString(), "--debug");
        assertEquals(Main.BAD_INPUT, o.exit());
        assertTrue(o.err().contains("\tat "), "--debug prints the stack trace");
        String[] lines = o.err().strip().split("\n");
        assertTrue(lines[lines.length - 1].startsWith("formwork: error: "), o.err());
    }
}
