package dev.formwork.exporters.onnx;

import static dev.formwork.exporters.onnx.ExportHarness.gaussian;
import static dev.formwork.exporters.onnx.ExportHarness.gaussianTensor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import dev.formwork.proto.onnx.OnnxProto.ModelProto;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Conv (dense, strided, asymmetric pads, depthwise, no bias) and AveragePool (both divisor rules). */
class ConvPoolLoweringTest {
    static Graph graph() {
        Graph g = new Graph("convpool");
        Value x = g.addInput("input", ValueType.f32(2, 4, 9, 9));
        Value w1 = g.addConstant("stem.conv1.weight", gaussianTensor(1, 0.3, 8, 4, 3, 3));
        Value b1 = g.addConstant("stem.conv1.bias", gaussianTensor(2, 0.1, 8));
        Value y = g.apply("Conv", "stem.conv1", Attributes.of("strides", new long[] {2, 2}, "pads", new long[] {1, 0, 2, 1}), x, w1, b1);
        Value w2 = g.addConstant("dw.weight", gaussianTensor(3, 0.3, 8, 1, 3, 3));
        y = g.apply("Conv", "dw", Attributes.of("pads", new long[] {1, 1, 1, 1}, "groups", 8L), y, w2);
        Value p0 = g.apply("AveragePool", "pool", Attributes.of("kernel", new long[] {3, 3}, "pads", new long[] {1, 1, 1, 1}), y);
        Value p1 = g.apply("AveragePool", "pool_incl", Attributes.of("kernel", new long[] {3, 3}, "strides", new long[] {2, 2},
                "pads", new long[] {1, 1, 1, 1}, "count_include_pad", 1L), y);
        Value d = g.apply("Sub", "mix", p0, y);
        g.addOutput(d);
        g.addOutput(p1);
        return g;
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 17, 20})
    void matchesReference(int opset) {
        ModelProto m = ExportHarness.verify(graph(), opset, gaussian(7, 2, 4, 9, 9));
        assertEquals("Conv", m.getGraph().getNode(0).getOpType());
        assertEquals("stem.conv1", m.getGraph().getNode(0).getName());
        assertEquals("stem.conv1.weight", m.getGraph().getInitializer(0).getName());
    }
}
