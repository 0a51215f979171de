package dev.formwork.exporters.onnx;

import static dev.formwork.exporters.onnx.ExportHarness.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.ValueType;
import dev.formwork.proto.onnx.OnnxProto.ModelProto;
import dev.formwork.proto.onnx.OnnxProto.NodeProto;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** GELU: native from opset 20 (none, tanh), written out below it; sigmoid form always written out. */
class GeluLoweringTest {
    static Graph graph(String mode) {
        Graph g = new Graph("gelu_" + mode);
        var x = g.addInput("input", ValueType.f32(2, 16, 7));
        g.addOutput(g.apply("Gelu", "act", Attributes.of("approximate", mode), x));
        return g;
    }

    static List<String> ops(ModelProto m) {
        List<String> l = new ArrayList<>();
        for (NodeProto n : m.getGraph().getNodeList()) l.add(n.getOpType());
        return l;
    }

    @ParameterizedTest
    @CsvSource({
        "none, 13, Div Erf Add Mul Mul",
        "none, 17, Div Erf Add Mul Mul",
        "none, 20, Gelu",
        "tanh, 13, Mul Mul Mul Add Mul Tanh Add Mul Mul",
        "tanh, 17, Mul Mul Mul Add Mul Tanh Add Mul Mul",
        "tanh, 20, Gelu",
        "sigmoid, 13, Mul Sigmoid Mul",
        "sigmoid, 20, Mul Sigmoid Mul",
    })
    void lowersAndMatchesReference(String mode, int opset, String expectedOps) {
        // Spread the input so both tails of the curve are exercised.
        var in = gaussian(3, 2, 16, 7);
        for (int i = 0; i < in.data().length; i++) in.data()[i] *= 3f;
        ModelProto m = ExportHarness.verify(graph(mode), opset, in);
        assertEquals(List.of(expectedOps.split(" ")), ops(m));
        assertEquals("act", m.getGraph().getNode(m.getGraph().getNodeCount() - 1).getName());
    }
}
