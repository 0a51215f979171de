package dev.formwork.exporters.onnx;

import static dev.formwork.exporters.onnx.ExportHarness.gaussian;
import static dev.formwork.exporters.onnx.ExportHarness.gaussianTensor;
import static dev.formwork.exporters.onnx.ExportHarness.uniformTensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import dev.formwork.proto.onnx.OnnxProto.ModelProto;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** BatchNorm, LayerNorm on tokens (axis -1) and LayerNorm over [C,H,W] with a flat scale. */
class NormLoweringTest {
    static Graph graph() {
        Graph g = new Graph("norms");
        Value x = g.addInput("input", ValueType.f32(2, 6, 4, 4));
        Value bn = g.apply("BatchNorm", "norm1", Attributes.of("epsilon", 1e-5), x,
                g.addConstant("norm1.weight", uniformTensor(1, 0.8, 1.2, 6)),
                g.addConstant("norm1.bias", gaussianTensor(2, 0.1, 6)),
                g.addBuffer("norm1.running_mean", gaussianTensor(3, 0.1, 6)),
                g.addBuffer("norm1.running_var", uniformTensor(4, 0.5, 2, 6)));
        Value wide = g.apply("LayerNorm", "ln_chw", Attributes.of("axis", 1L, "epsilon", 1e-6), bn,
                g.addConstant("ln_chw.weight", uniformTensor(5, 0.8, 1.2, 96)),
                g.addConstant("ln_chw.bias", gaussianTensor(6, 0.1, 96)));
        Value tokens = g.apply("Reshape", "tokens", Attributes.of("shape", new long[] {2, 6, 16}), wide);
        Value ln = g.apply("LayerNorm", "norm", tokens,
                g.addConstant("norm.weight", uniformTensor(7, 0.8, 1.2, 16)),
                g.addConstant("norm.bias", gaussianTensor(8, 0.1, 16)));
        g.addOutput(ln);
        return g;
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 16, 17, 18, 20})
    void matchesReference(int opset) {
        var in = gaussian(9, 2, 6, 4, 4);
        for (int i = 0; i < in.data().length; i++) in.data()[i] = in.data()[i] * 2f + 0.5f;
        ModelProto m = ExportHarness.verify(graph(), opset, in);
        long ln = m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("LayerNormalization")).count();
        assertEquals(opset >= 17 ? 2 : 0, ln);
        assertTrue(m.getGraph().getInitializerList().stream().anyMatch(t -> t.getName().equals("ln_chw.weight.reshaped")));
    }
}
