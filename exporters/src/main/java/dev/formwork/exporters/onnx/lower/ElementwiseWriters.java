package dev.formwork.exporters.onnx.lower;

import dev.formwork.ir.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Elementwise ops that ONNX has under the same name and semantics: the binary ops broadcast
 * like NumPy in both (multidirectional broadcasting), the unary ones are pointwise.
 */
final class ElementwiseWriters {
    private ElementwiseWriters() {}

    static void register(Map<String, OpWriter> t) {
        for (String op : List.of("Add", "Sub", "Mul", "Div", "Pow", "Relu", "Erf", "Tanh", "Sigmoid", "Sqrt", "Exp", "Identity")) {
            t.put(op, ElementwiseWriters::same);
        }
        t.put("HardSwish", ElementwiseWriters::hardSwish);
    }

    /** HardSwish exists from opset 14; before it, x * HardSigmoid(x) with HardSwish's alpha 1/6 and beta 0.5 is the same function. */
    static void hardSwish(Node n, Emit e) {
        if (e.opset() >= 14) {
            e.result("HardSwish", List.of(e.in(0)));
            return;
        }
        String gate = e.tmp("HardSigmoid", List.of(e.in(0)), dev.formwork.exporters.onnx.OnnxAttrs.f("alpha", 1f / 6f),
                dev.formwork.exporters.onnx.OnnxAttrs.f("beta", 0.5f));
        e.result("Mul", List.of(e.in(0), gate));
    }

    /** One ONNX node of the same op type over the same operands. */
    static void same(Node n, Emit e) {
        List<String> ins = new ArrayList<>();
        for (int i = 0; i < n.inputCount(); i++) ins.add(e.in(i));
        e.result(n.opType(), ins);
    }
}
