package dev.formwork.exporters.onnx;

import static dev.formwork.exporters.onnx.ExportHarness.gaussian;
import static dev.formwork.exporters.onnx.ExportHarness.gaussianTensor;

import dev.formwork.ir.Graph;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Binary ops with NumPy broadcasting (constant and computed operands) and the unary ops. */
class ElementwiseLoweringTest {
    static Graph graph() {
        Graph g = new Graph("elementwise");
        Value x = g.addInput("input", ValueType.f32(2, 3, 4, 5));
        Value y = g.addInput("other", ValueType.f32(3, 1, 5));
        Value c = g.addConstant("layer_scale", gaussianTensor(3, 0.5, 3, 1, 1));
        Value s = g.apply("Add", "add", x, y);
        s = g.apply("Mul", "scale", s, c);
        s = g.apply("Sub", "sub", s, g.apply("Relu", "relu", x));
        Value pos = g.apply("Add", "pos", g.apply("Sigmoid", "sig", s), g.addConstant("half", Tensor.scalar(0.5f)));
        Value d = g.apply("Div", "div", g.apply("Tanh", "tanh", s), pos);
        Value p = g.apply("Pow", "pow", pos, g.addConstant("three_halves", Tensor.scalar(1.5f)));
        Value e = g.apply("Erf", "erf", g.apply("Mul", "mul2", d, p));
        Value r = g.apply("Sqrt", "sqrt", g.apply("Add", "add2", pos, g.apply("Identity", "id", p)));
        g.addOutput(g.apply("Add", "out", e, r));
        return g;
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 17, 20, 22})
    void matchesReference(int opset) {
        ExportHarness.verify(graph(), opset, gaussian(1, 2, 3, 4, 5), gaussian(2, 3, 1, 5));
    }
}
