package dev.formwork.exporters.savedmodel;

import dev.formwork.ir.Node;
import dev.formwork.ir.Value;
import java.util.Map;

/**
 * Elementwise ops, one TensorFlow op each with NumPy broadcasting (the IR's). Erf is TF's own op:
 * the lower-gelu pass writes the exact GELU as Mul, Erf, Add, Mul since TensorFlow has no GELU
 * kernel op.
 */
final class ElementwiseWriters {
    private ElementwiseWriters() {}

    static final Map<String, String> BINARY = Map.of("Add", "AddV2", "Sub", "Sub", "Mul", "Mul", "Div", "RealDiv", "Pow", "Pow");
    static final Map<String, String> UNARY = Map.of("Relu", "Relu", "Tanh", "Tanh", "Sigmoid", "Sigmoid", "Sqrt", "Sqrt", "Erf", "Erf",
            "Exp", "Exp");

    static final class Binary implements OpWriter {
        @Override
        public void write(Node n, TfGraph g) {
            g.emit(n, BINARY.get(n.opType()), TfAttrs.floatT(), g.tensor(n.input(0)), g.tensor(n.input(1)));
        }
    }

    static final class Unary implements OpWriter {
        @Override
        public void write(Node n, TfGraph g) {
            g.emit(n, UNARY.get(n.opType()), TfAttrs.floatT(), g.tensor(n.input(0)));
        }
    }

    /**
     * HardSwish (ONNX's x * clamp(x/6 + 1/2, 0, 1)) has no TensorFlow op: x * Relu6(x + 3) * (1/6),
     * the same function (Relu6(x + 3) = 6 * clamp(x/6 + 1/2, 0, 1)).
     */
    static final class HardSwish implements OpWriter {
        @Override
        public void write(Node n, TfGraph g) {
            String x = g.tensor(n.input(0));
            String shifted = g.op("AddV2", n.name() + "/add3", TfAttrs.floatT(), x, g.scalar(n.name() + "/three", 3f));
            String gate = g.op("Relu6", n.name() + "/relu6", TfAttrs.floatT(), shifted);
            String scaled = g.op("Mul", n.name() + "/mul", TfAttrs.floatT(), x, gate);
            g.emit(n, "Mul", TfAttrs.floatT(), scaled, g.scalar(n.name() + "/sixth", 1f / 6f));
        }
    }

    /** Identity moves nothing: its output names its input's tensor (a graph output still gets its own Identity). */
    static final class Identity implements OpWriter {
        @Override
        public void write(Node n, TfGraph g) {
            Value x = n.input(0);
            g.bind(n.output(), g.tensor(x));
        }
    }

    /** Appends a binary op that no IR node owns (the norms' arithmetic). */
    static String binary(TfGraph g, String irOp, String name, String a, String b) {
        return g.op(BINARY.get(irOp), name, TfAttrs.floatT(), a, b);
    }
}
