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
    }

    /** One ONNX node of the same op type over the same operands. */
    static void same(Node n, Emit e) {
        List<String> ins = new ArrayList<>();
        for (int i = 0; i < n.inputCount(); i++) ins.add(e.in(i));
        e.result(n.opType(), ins);
    }
}
