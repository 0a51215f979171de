package dev.formwork.exporters.coreml.mil;

import dev.formwork.ir.Node;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import java.util.Map;

/** Gelu (mode EXACT unless the graph or --gelu says otherwise), Relu and Softmax. */
final class ActivationLowering {
    private ActivationLowering() {}

    static void register(Map<String, MilLowering> t) {
        t.put("Gelu", ActivationLowering::gelu);
        t.put("Relu", (n, c) -> unary("relu", n, c));
        t.put("Softmax", ActivationLowering::softmax);
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

    static void softmax(Node n, MilContext c) {
        DataType t = c.computeType(n);
        int axis = n.input(0).shape().axis((int) n.i("axis"));
        MilOp op = c.op("softmax", n).in("x", c.input(n, 0, t)).int32("axis", axis);
        c.bind(n, 0, op.emit(t, MilLowerings.shape(n.output())));
    }
}
