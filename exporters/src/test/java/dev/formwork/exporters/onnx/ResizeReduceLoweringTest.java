package dev.formwork.exporters.onnx;

import static dev.formwork.exporters.onnx.ExportHarness.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import dev.formwork.proto.onnx.OnnxProto.ModelProto;
import dev.formwork.proto.onnx.OnnxProto.NodeProto;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bilinear Resize (half-pixel, x2 and a non-integer scale) and ReduceMean before/after opset 18. */
class ResizeReduceLoweringTest {
    static Graph graph() {
        Graph g = new Graph("resize_reduce");
        Value x = g.addInput("input", ValueType.f32(1, 3, 5, 4));
        Value up = g.apply("Resize", "up", Attributes.of("scales", new double[] {2.0, 2.0}), x);
        Value odd = g.apply("Resize", "odd", Attributes.of("scales", new double[] {1.5, 0.75}), x);
        Value m1 = g.apply("ReduceMean", "gap", Attributes.of("axes", new long[] {2, 3}), up);
        Value m2 = g.apply("ReduceMean", "m2", Attributes.of("axes", new long[] {-1}, "keepdims", 0L), odd);
        g.addOutput(m1);
        g.addOutput(m2);
        g.addOutput(up);
        return g;
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 17, 18, 20})
    void matchesReference(int opset) {
        ModelProto m = ExportHarness.verify(graph(), opset, gaussian(4, 1, 3, 5, 4));
        for (NodeProto n : m.getGraph().getNodeList()) {
            if (n.getOpType().equals("ReduceMean")) {
                assertEquals(opset >= 18 ? 2 : 1, n.getInputCount(), "axes as input from opset 18");
                assertEquals(opset >= 18, n.getAttributeList().stream().noneMatch(a -> a.getName().equals("axes")));
            }
            if (n.getOpType().equals("Resize")) assertEquals("", n.getInput(1), "empty roi");
        }
    }
}
