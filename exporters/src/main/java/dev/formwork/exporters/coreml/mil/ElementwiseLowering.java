package dev.formwork.exporters.coreml.mil;

import dev.formwork.ir.Node;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import java.util.Map;

/**
 * Binary ops with NumPy broadcasting (add, sub, mul, real_div, pow) and the unary functions a
 * decomposed GELU or LayerNorm may leave behind (erf, tanh, sigmoid, sqrt), and exp. A constant
 * operand becomes a const op in the op's dtype.
 */
final class ElementwiseLowering {
    private ElementwiseLowering() {}

    static void register(Map<String, MilLowering> t) {
        t.put("Add", (n, c) -> binary("add", n, c));
        t.put("Sub", (n, c) -> binary("sub", n, c));
        t.put("Mul", (n, c) -> binary("mul", n, c));
        t.put("Div", (n, c) -> binary("real_div", n, c));
        t.put("Pow", (n, c) -> binary("pow", n, c));
        t.put("Erf", (n, c) -> ActivationLowering.unary("erf", n, c));
        t.put("Tanh", (n, c) -> ActivationLowering.unary("tanh", n, c));
        t.put("Sigmoid", (n, c) -> ActivationLowering.unary("sigmoid", n, c));
        t.put("Sqrt", (n, c) -> ActivationLowering.unary("sqrt", n, c));
        t.put("Exp", (n, c) -> ActivationLowering.unary("exp", n, c));
    }

    static void binary(String type, Node n, MilContext c) {
        DataType t = c.computeType(n);
        MilOp op = c.op(type, n).in("x", c.input(n, 0, t)).in("y", c.input(n, 1, t));
        c.bind(n, 0, op.emit(t, MilLowerings.shape(n.output())));
    }
}
