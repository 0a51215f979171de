package dev.formwork.exporters.onnx;

import static dev.formwork.exporters.onnx.ExportHarness.gaussian;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import dev.formwork.proto.onnx.OnnxProto.ModelProto;
import dev.formwork.proto.onnx.OnnxProto.NodeProto;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ops ONNX import added to the IR (Exp, HardSwish, ReduceSum, ReduceMax, MaxPool), checked and run on ONNX Runtime. */
class ImportOpsLoweringTest {
    static Graph graph() {
        Graph g = new Graph("import_ops");
        Value x = g.addInput("input", ValueType.f32(2, 3, 9, 9));
        Value hs = g.apply("HardSwish", "hs", g.apply("Mul", "x4", x, g.addConstant("four", dev.formwork.ir.Tensor.scalar(4f))));
        Value pool = g.apply("MaxPool", "pool", Attributes.of("kernel", new long[] {3, 3}, "strides", new long[] {2, 2},
                "pads", new long[] {1, 1, 1, 1}, "dilations", new long[] {1, 2}), hs);
        Value mx = g.apply("ReduceMax", "max", Attributes.of("axes", new long[] {-1}, "keepdims", 1L), pool);
        Value e = g.apply("Exp", "exp", g.apply("Sub", "shift", pool, mx));
        Value sum = g.apply("ReduceSum", "sum", Attributes.of("axes", new long[] {2, 3}, "keepdims", 0L), e);
        g.addOutput(sum);
        return g;
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 14, 17, 18, 22})
    void matchesReference(int opset) {
        ModelProto m = ExportHarness.verify(graph(), opset, gaussian(5, 2, 3, 9, 9));
        boolean native_ = m.getGraph().getNodeList().stream().map(NodeProto::getOpType).anyMatch("HardSwish"::equals);
        assertTrue(native_ == (opset >= 14), "HardSwish is native from opset 14, HardSigmoid * x before");
    }
}
