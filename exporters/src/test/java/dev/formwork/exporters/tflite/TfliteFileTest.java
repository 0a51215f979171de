package dev.formwork.exporters.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Graph;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.lite.schema.Buffer;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.Model;
import org.tensorflow.lite.schema.Operator;
import org.tensorflow.lite.schema.OperatorCode;
import org.tensorflow.lite.schema.SoftmaxOptions;
import org.tensorflow.lite.schema.SubGraph;
import org.tensorflow.lite.schema.Tensor;

/** The container facts of formats.md §3 and §6, read back from written files with the schema classes. */
class TfliteFileTest {
    @TempDir
    Path dir;

    private Path write(Graph g, ExportOptions o) throws IOException {
        Path p = dir.resolve(o.name() + ".tflite");
        new TfliteExporter().write(g, o, p);
        return p;
    }

    private static Model model(Path p) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        assertTrue(Model.ModelBufferHasIdentifier(bb), "TFL3 identifier");
        return Model.getRootAsModel(bb);
    }

    @Test
    void containerFacts() throws IOException {
        Path p = write(SampleGraph.build(2), new ExportOptions().withName("facts"));
        byte[] raw = Files.readAllBytes(p);
        assertEquals("TFL3", new String(raw, 4, 4, java.nio.charset.StandardCharsets.US_ASCII));
        Model m = model(p);
        assertEquals(3, m.version());
        assertEquals(0, m.buffers(0).dataLength(), "buffer 0 is the empty sentinel");
        SubGraph g = m.subgraphs(0);
        Set<Long> used = new HashSet<>();
        for (int i = 0; i < g.tensorsLength(); i++) {
            Tensor t = g.tensors(i);
            if (t.buffer() == 0) continue;
            assertTrue(used.add(t.buffer()), "tensor " + t.name() + " shares buffer " + t.buffer());
            Buffer b = m.buffers((int) t.buffer());
            long numel = 1;
            for (int d = 0; d < t.shapeLength(); d++) numel *= t.shape(d);
            int elem = t.type() == org.tensorflow.lite.schema.TensorType.FLOAT16 ? 2 : t.type() == org.tensorflow.lite.schema.TensorType.INT64 ? 8 : 4;
            assertEquals(numel * elem, b.dataLength(), "byte length of " + t.name());
            int offset = b.dataAsByteBuffer().position();
            assertEquals(0, offset % 16, "data of " + t.name() + " at offset " + offset);
        }
        for (int i = 0; i < g.inputsLength(); i++) assertEquals(0, g.tensors(g.inputs(i)).buffer(), "inputs are not constants");
        for (int i = 0; i < m.operatorCodesLength(); i++) {
            OperatorCode c = m.operatorCodes(i);
            assertEquals(Math.min(c.builtinCode(), 127), c.deprecatedBuiltinCode(), "both code fields");
        }
        boolean softmax = false;
        for (int i = 0; i < g.operatorsLength(); i++) {
            Operator op = g.operators(i);
            if (m.operatorCodes((int) op.opcodeIndex()).builtinCode() == BuiltinOperator.SOFTMAX) {
                softmax = true;
                assertEquals(1.0f, ((SoftmaxOptions) op.builtinOptions(new SoftmaxOptions())).beta());
            }
        }
        assertTrue(softmax);
        assertEquals("serving_default", m.signatureDefs(0).signatureKey());
        assertEquals("input", m.signatureDefs(0).inputs(0).name());
        assertEquals("logits", m.signatureDefs(0).outputs(0).name());
        assertArrayEquals(new int[] {2, 16, 16, 3}, new int[] {g.tensors(g.inputs(0)).shape(0), g.tensors(g.inputs(0)).shape(1),
                g.tensors(g.inputs(0)).shape(2), g.tensors(g.inputs(0)).shape(3)});
    }

    /**
     * The serializer leaves each constant out of the builder and writes it into its place in the
     * file afterwards, with scratch space past the end that it cuts off: the head's weight and
     * bias bytes must be found whole in their buffers, and the file must end at the model.
     */
    @Test
    void constantsLandInTheirBuffersAndNoScratchSpaceFollows() throws IOException {
        Graph g = SampleGraph.build(1);
        Path p = write(g, new ExportOptions().withName("inplace"));
        Model m = model(p);
        long data = 0;
        Set<String> found = new HashSet<>();
        for (int i = 0; i < m.buffersLength(); i++) {
            ByteBuffer b = m.buffers(i).dataAsByteBuffer();
            if (b == null) continue;
            data += b.remaining();
            for (String name : new String[] {"head.weight", "head.bias"}) {
                float[] want = g.value(name).constant().toFloatArray();
                if (b.remaining() != 4 * want.length) continue;
                float[] got = new float[want.length];
                b.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(got);
                if (java.util.Arrays.equals(want, got)) found.add(name);
            }
        }
        assertEquals(Set.of("head.weight", "head.bias"), found);
        long size = Files.size(p);
        assertTrue(size < data + 16L * m.buffersLength() + (1 << 16), "file of " + size + " bytes for " + data + " bytes of constants");
    }

    @Test
    void readerReportsOpsIoAndDetails() throws IOException {
        Graph g = SampleGraph.build(1);
        Path p = write(g, new ExportOptions().withName("read"));
        var info = new TfliteReader().read(p);
        assertEquals("tflite", info.format());
        assertEquals(1, info.ops().get("SOFTMAX"));
        assertEquals(2, info.ops().get("BATCH_MATMUL"));
        assertEquals(2, info.ops().get("TRANSPOSE"), "head split + merge; K^T is adj_y");
        assertEquals("input", info.inputs().get(0).name());
        assertEquals(dev.formwork.ir.Shape.of(1, 16, 16, 3), info.inputs().get(0).shape());
        assertEquals("logits", info.outputs().get(0).name());
        // Every float constant element: the graph's parameters (the per-channel view re-laid, not
        // duplicated) plus the one epsilon scalar of the decomposed LayerNorm.
        assertEquals(g.parameterCount() + 1, info.params());
        assertEquals(g.macs(), info.macs());
        assertEquals("3", info.details().get("schema_version"));
        assertEquals("2.9.0", info.details().get("min_runtime_version"), "GELU needs 2.9");
        assertEquals("min_runtime_version,TFLITE_METADATA", info.details().get("metadata"));
        assertEquals("serving_default", info.details().get("signatures"));
    }

    @Test
    void identicalInputsGiveIdenticalBytes() throws IOException {
        byte[] a = Files.readAllBytes(write(SampleGraph.build(1), new ExportOptions().withName("a")));
        byte[] b = Files.readAllBytes(write(SampleGraph.build(1), new ExportOptions().withName("a")));
        assertArrayEquals(a, b);
    }

    @Test
    void fp16StoresHalvesBehindDequantize() throws IOException {
        Graph g = SampleGraph.build(1);
        Path p32 = write(g, new ExportOptions().withName("f32"));
        Path p16 = write(g, new ExportOptions().withName("f16").withPrecision(ExportOptions.Precision.FP16, true));
        var info = new TfliteReader().read(p16);
        assertTrue(info.ops().get("DEQUANTIZE") > 0);
        assertEquals(dev.formwork.ir.DType.FLOAT32, info.inputs().get(0).dtype(), "float32 I/O");
        Model m = model(p16);
        SubGraph sg = m.subgraphs(0);
        for (int i = 0; i < sg.tensorsLength(); i++) {
            Tensor t = sg.tensors(i);
            if (t.buffer() > 0 && m.buffers((int) t.buffer()).dataLength() > 0 && t.type() == org.tensorflow.lite.schema.TensorType.FLOAT32) {
                throw new AssertionError("float32 constant left in an fp16 file: " + t.name());
            }
        }
        assertNotNull(info.details().get("min_runtime_version"));
        assertTrue(Files.size(p16) < Files.size(p32));
    }
}
