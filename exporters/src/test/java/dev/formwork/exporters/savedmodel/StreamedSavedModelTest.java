package dev.formwork.exporters.savedmodel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Attributes;
import dev.formwork.ir.DType;
import dev.formwork.ir.Graph;
import dev.formwork.ir.GraphVerifier;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.op.ShapeOps;
import dev.formwork.proto.tensorflow.SavedModelProto.NodeDef;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * saved_model.pb written part by part, with the filters made one at a time, is exactly the
 * deterministic serialization of the whole SavedModel message; the filters are the weights
 * permuted to HWIO / HW(C,multiplier) as an independent permutation of the IR tensor gives them;
 * and until written, the nodes hold zeros in their place.
 */
class StreamedSavedModelTest {
    /** Filter node (fp32 name) -> the IR weight it comes from and the permutation of its axes. */
    private static final Map<String, int[]> FILTERS = Map.of(
            "stem.weight/hwio", new int[] {2, 3, 1, 0}, "pw.weight/hwio", new int[] {2, 3, 1, 0}, "dw.weight/hwim", new int[] {2, 3, 0, 1});

    private static Graph sample() {
        Graph g = new Graph("sample");
        Random r = new Random(3);
        Value x = g.addInput("input", ValueType.f32(1, 3, 8, 8));
        x = g.apply("Conv", "stem", Attributes.of("strides", new int[] {2, 2}, "pads", new int[] {1, 1, 1, 1}), x, c(g, r, "stem.weight", 4, 3, 3, 3), c(g, r, "stem.bias", 4));
        x = g.apply("Conv", "dw", Attributes.of("pads", new int[] {1, 1, 1, 1}, "groups", 4), x, c(g, r, "dw.weight", 4, 1, 3, 3), c(g, r, "dw.bias", 4));
        x = g.apply("Conv", "pw", x, c(g, r, "pw.weight", 6, 4, 1, 1), c(g, r, "pw.bias", 6));
        g.addOutput(g.apply("ReduceMean", "pool", Attributes.of("axes", new int[] {2, 3}, "keepdims", 0), x));
        GraphVerifier.verify(g);
        return g;
    }

    private static Value c(Graph g, Random r, String name, int... shape) {
        float[] d = new float[(int) Shape.of(shape).numel()];
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian();
        return g.addConstant(name, Tensor.ofFloats(Shape.of(shape), d));
    }

    @ParameterizedTest
    @EnumSource(ExportOptions.Precision.class)
    void streamedBytesAreTheWholeMessagesAndFiltersArePermutedWeights(ExportOptions.Precision precision) throws Exception {
        Graph g = sample();
        ExportOptions o = new ExportOptions().withName("sample").withPrecision(precision, true);
        SavedModelWriter.Model m = SavedModelWriter.build(SavedModelExporter.layout(g, o), o);

        ByteArrayOutputStream streamed = new ByteArrayOutputStream(), whole = new ByteArrayOutputStream();
        SavedModelWriter.serialize(m, streamed);
        CodedOutputStream cos = CodedOutputStream.newInstance(whole);
        cos.useDeterministicSerialization();
        m.message().writeTo(cos);
        cos.flush();
        assertArrayEquals(whole.toByteArray(), streamed.toByteArray());

        boolean fp16 = precision == ExportOptions.Precision.FP16;
        String suffix = fp16 ? "/fp16" : "";
        int checked = 0;
        for (NodeDef n : m.message().getMetaGraphs(0).getGraphDef().getNodeList()) {
            if (!n.getName().endsWith(suffix)) continue;
            int[] perm = FILTERS.get(n.getName().substring(0, n.getName().length() - suffix.length()));
            if (perm == null) continue;
            Tensor w = g.value(n.getName().substring(0, n.getName().indexOf('/'))).constant();
            Tensor want = ShapeOps.permute(NdArray.fromTensor(w), perm).toTensor().cast(fp16 ? DType.FLOAT16 : DType.FLOAT32);
            assertEquals(ByteString.copyFrom(want.data()), n.getAttrOrThrow("value").getTensor().getTensorContent(), n.getName());
            NodeDef held = m.nodes().stream().filter(p -> p.getName().equals(n.getName())).findFirst().orElseThrow();
            ByteString placeholder = held.getAttrOrThrow("value").getTensor().getTensorContent();
            assertEquals(want.byteSize(), placeholder.size(), n.getName());
            assertTrue(allZero(placeholder), "made only when written: " + n.getName());
            checked++;
        }
        assertEquals(FILTERS.size(), checked, "every filter checked");
    }

    private static boolean allZero(ByteString b) {
        for (int i = 0; i < b.size(); i++) if (b.byteAt(i) != 0) return false;
        return true;
    }
}
