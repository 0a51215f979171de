package dev.formwork.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.io.Npy;
import dev.formwork.proto.onnx.OnnxProto.GraphProto;
import dev.formwork.proto.onnx.OnnxProto.ModelProto;
import dev.formwork.proto.onnx.OnnxProto.NodeProto;
import dev.formwork.proto.onnx.OnnxProto.OperatorSetIdProto;
import dev.formwork.proto.onnx.OnnxProto.StringStringEntryProto;
import dev.formwork.proto.onnx.OnnxProto.TensorProto;
import dev.formwork.proto.onnx.OnnxProto.TensorShapeProto;
import dev.formwork.proto.onnx.OnnxProto.TypeProto;
import dev.formwork.proto.onnx.OnnxProto.ValueInfoProto;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile {@code .onnx} files through the importer ({@code convert model.onnx} and {@code run
 * model.onnx --engine reference}), the path that builds an IR graph from the file rather than
 * handing it to ONNX Runtime: each is refused with exit 2, the error as the one last stderr line
 * naming the problem, nothing in {@code --out}, and at most 512 MB allocated on the running thread.
 */
class OnnxImportHostileTest {
    @TempDir
    Path dir;

    private Path out() throws IOException {
        return Files.createDirectories(dir.resolve("out"));
    }

    private String refused(String mustMention, String... args) throws IOException {
        return Refusals.refused(out(), mustMention, args);
    }

    /** convert and run --engine reference both refuse {@code model}, naming {@code mustMention}. */
    private void importRefuses(Path model, String mustMention) throws IOException {
        refused(mustMention, "convert", model.toString(), "--target", "onnx", "--out", out().toString());
        Path x = Files.write(dir.resolve("x.npy"), Npy.encode(NdArray.zeros(1, 4)));
        refused(mustMention, "run", model.toString(), "--engine", "reference", "--input", x.toString(),
                "--output", out().resolve("y.npy").toString());
    }

    private static ValueInfoProto value(String name, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
    }

    private static NodeProto node(String op, String out, String... ins) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(op.toLowerCase() + "_" + out).addOutput(out);
        for (String in : ins) n.addInput(in);
        return n.build();
    }

    private static GraphProto.Builder graph(NodeProto... nodes) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addInput(value("x", 1, 4)).addOutput(value("y", 1, 4));
        for (NodeProto n : nodes) g.addNode(n);
        return g;
    }

    private Path onnx(Path folder, String name, GraphProto.Builder g) throws IOException {
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).build();
        return Files.write(Files.createDirectories(folder).resolve(name), m.toByteArray());
    }

    private Path onnx(String name, GraphProto.Builder g) throws IOException {
        return onnx(dir, name, g);
    }

    @Test
    void undefinedAndTwiceDefinedValuesAreNamed() throws IOException {
        importRefuses(onnx("undef.onnx", graph(node("Relu", "y", "nowhere"))), "input 'nowhere' is undefined");
        importRefuses(onnx("twice.onnx", graph(node("Relu", "y", "x"), node("Sigmoid", "y", "x"))), "value 'y' is defined twice");
        importRefuses(onnx("input-twice.onnx", graph(node("Relu", "x", "x"), node("Relu", "y", "x"))), "value 'x' is defined twice");
    }

    @Test
    void cyclesAndSelfLoopsAreNamed() throws IOException {
        importRefuses(onnx("self.onnx", graph(node("Relu", "y", "y"))), "reads its own output 'y' (self-loop)");
        importRefuses(onnx("cycle.onnx", graph(node("Relu", "a", "b"), node("Relu", "b", "a"), node("Relu", "y", "x"))),
                "node 'relu_a' is on a cycle");
    }

    @Test
    void initializerDimsAreCheckedAgainstItsBytesEvenWhenNothingReadsIt() throws IOException {
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(1).addDims(1000).addDims(1000)
                .setRawData(ByteString.copyFrom(new byte[16])).build();
        importRefuses(onnx("raw.onnx", graph(node("Relu", "y", "x")).addInitializer(w)),
                "initializer 'w': raw_data holds 16 bytes, dims [1000, 1000] need 4000000");
    }

    @Test
    void shapesOfTwoToTheSixtyTwoElementsAreRefusedBeforeAllocating() throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addInput(value("x", 2147483647L, 2147483647L))
                .addOutput(value("y", 1, 4)).addNode(node("Relu", "y", "x"));
        importRefuses(onnx("huge-input.onnx", g), "has more than 2^31 - 1 elements");
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(1).addDims(1L << 31).addDims(1L << 31).build();
        importRefuses(onnx("huge-init.onnx", graph(node("Relu", "y", "x")).addInitializer(w)), "is larger than 2^31 - 1");
        TensorProto v = TensorProto.newBuilder().setName("v").setDataType(1).addDims(1L << 40).addDims(1L << 40).build();
        importRefuses(onnx("overflow.onnx", graph(node("Relu", "y", "x")).addInitializer(v)), "more elements than fit in 64 bits");
    }

    /** y = x + w, w [4] float stored as external data at {@code location}. */
    private Path external(Path folder, String name, String location) throws IOException {
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(1).addDims(4)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location)).build();
        return onnx(folder, name, graph(node("Add", "y", "x", "w")).addInitializer(w));
    }

    @Test
    void externalDataOutsideTheFolderOrNotAFileIsRefusedWithoutOpeningIt() throws IOException, InterruptedException {
        importRefuses(external(dir, "abs.onnx", "/etc/passwd"), "an absolute path");
        importRefuses(external(dir, "win.onnx", "C:\\Windows\\win.ini"), "an absolute path");
        importRefuses(external(dir.resolve("m"), "up.onnx", "../w.bin"), "outside the model's folder");
        importRefuses(external(dir.resolve("m"), "sneaky.onnx", "sub/../../w.bin"), "outside the model's folder");
        // FIFOs: opening one blocks until a writer comes, so neither may be opened.
        Path models = Files.createDirectories(dir.resolve("models"));
        for (Path fifo : new Path[] {dir.resolve("fifo"), models.resolve("weights.bin")}) {
            Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
            assertEquals(0, p.waitFor());
        }
        importRefuses(external(models, "fifo-outside.onnx", "../fifo"), "outside the model's folder");
        importRefuses(external(models, "fifo-inside.onnx", "weights.bin"), "weights.bin, which is not a regular file");
    }

    // ---- nesting, written byte by byte: protobuf's builders would themselves recurse 100,000 deep

    /** Protobuf bytes built back to front, so wrapping the whole in a length-delimited field costs only its header. */
    private static final class Reversed {
        private byte[] buf = new byte[1 << 16];
        private int start = buf.length;

        int size() {
            return buf.length - start;
        }

        Reversed prepend(byte[] b) {
            while (start < b.length) {
                byte[] n = new byte[buf.length * 2];
                System.arraycopy(buf, start, n, n.length - size(), size());
                start = n.length - size();
                buf = n;
            }
            start -= b.length;
            System.arraycopy(b, 0, buf, start, b.length);
            return this;
        }

        /** Makes everything so far the payload of field {@code number}. */
        Reversed wrap(int number) {
            return prepend(cat(varint((long) number << 3 | 2), varint(size())));
        }

        Reversed prependString(int number, String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return prepend(cat(varint((long) number << 3 | 2), varint(b.length), b));
        }

        byte[] bytes() {
            return java.util.Arrays.copyOfRange(buf, start, buf.length);
        }
    }

    private static byte[] varint(long v) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        while ((v & ~0x7fL) != 0) {
            o.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        o.write((int) v);
        return o.toByteArray();
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }

    /** A model whose one node (x -> y) carries {@code nodeTail}: extra NodeProto fields as raw bytes. */
    private Path modelWithNode(String name, String op, Reversed nodeTail) throws IOException {
        Reversed r = nodeTail;
        r.prependString(4, op).prependString(2, "y").prependString(1, "x").prependString(3, "outer").wrap(1); // GraphProto.node
        byte[] rest = GraphProto.newBuilder().setName("g").addInput(value("x", 1, 4)).addOutput(value("y", 1, 4)).build().toByteArray();
        byte[] graph = cat(r.bytes(), rest);
        byte[] model = ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).build()
                .toByteArray();
        return Files.write(dir.resolve(name), cat(model, varint(7 << 3 | 2), varint(graph.length), graph));
    }

    @Test
    void aLengthNearTwoToThe31IsRefusedNotReadPastTheEnd() throws IOException {
        // NodeProto.attribute of 2^31 - 1 bytes: protobuf adds the length to the position in an int, which wraps negative.
        Reversed r = new Reversed().prepend(new byte[64]).prepend(cat(varint(5 << 3 | 2), varint(Integer.MAX_VALUE)));
        importRefuses(modelWithNode("wrap.onnx", "Relu", r), "the length 2147483647 at byte");
    }

    @Test
    void subgraphsNestedAHundredThousandDeepAreAnErrorNotAStackOverflow() throws IOException {
        // If.then_branch = Graph{node: If{then_branch = Graph{node: If{...}}}}, 100,000 levels.
        Reversed r = new Reversed();
        for (int i = 0; i < 100_000; i++) {
            r.wrap(1).prependString(2, "g" + (i % 10)); // GraphProto{node, name}
            r.wrap(6).prepend(cat(varint(20 << 3), varint(5))).prependString(1, "then_branch"); // AttributeProto{name, type GRAPH, g}
            if (i < 99_999) r.wrap(5).prependString(4, "If"); // NodeProto{op_type, attribute}
        }
        Path deep = modelWithNode("deep-if.onnx", "If", r.wrap(5));
        assertTrue(Files.size(deep) > 1_000_000, "really nested: " + Files.size(deep));
        importRefuses(deep, "node outer (If, opset 17): unsupported op");
        // Loop.body the same way, and unknown fields as protobuf groups nested 100,000 deep.
        r = new Reversed();
        for (int i = 0; i < 100_000; i++) {
            r.wrap(1);
            r.wrap(6).prepend(cat(varint(20 << 3), varint(5))).prependString(1, "body");
            if (i < 99_999) r.wrap(5).prependString(4, "Loop");
        }
        importRefuses(modelWithNode("deep-loop.onnx", "Loop", r.wrap(5)), "node outer (Loop, opset 17): unsupported op");
        byte[] open = varint(99 << 3 | 3), close = varint(99 << 3 | 4);
        ByteArrayOutputStream groups = new ByteArrayOutputStream();
        for (int i = 0; i < 100_000; i++) groups.writeBytes(open);
        for (int i = 0; i < 100_000; i++) groups.writeBytes(close);
        importRefuses(modelWithNode("deep-groups.onnx", "Relu", new Reversed().prepend(groups.toByteArray())), "deep-groups.onnx");
    }
}
