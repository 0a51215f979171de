package dev.formwork.exporters.coreml.mil;

import dev.formwork.ir.Node;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import java.util.Map;

/**
 * Gelu (mode EXACT unless the graph or --gelu says otherwise), Relu, Softmax, and HardSwish as
 * {@code mul(x, sigmoid_hard(x, alpha = 1/6, beta = 0.5))}: MIL has no hard-swish op, and
 * sigmoid_hard is {@code min(max(alpha x + beta, 0), 1)}, the IR's clamp exactly.
 */
final class ActivationLowering {
    private ActivationLowering() {}

    static void register(Map<String, MilLowering> t) {
        t.put("Gelu", ActivationLowering::gelu);
        t.put("Relu", (n, c) -> unary("relu", n, c));
        t.put("Softmax", ActivationLowering::softmax);
        t.put("HardSwish", ActivationLowering::hardSwish);
    }

    /** MIL gelu mode for an IR {@code approximate} value. */
    static String geluMode(String approximate) {
        return switch (approximate) {
            case "none" -> "EXACT";
            case "tanh" -> "TANH_APPROXIMATION";
            case "sigmoid" -> "SIGMOID_APPROXIMATION";
            default -> throw new IllegalArgumentException(approximate);
        };
    }

    static void gelu(Node n, MilContext c) {
        DataType t = c.computeType(n);
        String form = c.settings().gelu() != null ? c.settings().gelu() : n.s("approximate");
        MilOp op = c.op("gelu", n).in("x", c.input(n, 0, t)).str("mode", geluMode(form));
        c.bind(n, 0, op.emit(t, MilLowerings.shape(n.output())));
    }

    static void unary(String type, Node n, MilContext c) {
        DataType t = c.computeType(n);
        c.bind(n, 0, c.op(type, n).in("x", c.input(n, 0, t)).emit(t, MilLowerings.shape(n.output())));
    }

    static void hardSwish(Node n, MilContext c) {
        DataType t = c.computeType(n);
        MilVar x = c.input(n, 0, t);
        // alpha and beta have x's type: before iOS 17 sigmoid_hard requires it, and fp16 holds 0.5 exactly.
        MilVar gate = c.block().op("sigmoid_hard", n.name() + "_gate").in("x", x)
                .scalar("alpha", 1f / 6f, t).scalar("beta", 0.5f, t).emit(t, MilLowerings.shape(n.output()));
        c.bind(n, 0, c.op("mul", n).in("x", x).in("y", gate).emit(t, MilLowerings.shape(n.output())));
    }

    static void softmax(Node n, MilContext c) {
        DataType t = c.computeType(n);
        int axis = n.input(0).shape().axis((int) n.i("axis"));
        MilOp op = c.op("softmax", n).in("x", c.input(n, 0, t)).int32("axis", axis);
        c.bind(n, 0, op.emit(t, MilLowerings.shape(n.output())));
    }
}
