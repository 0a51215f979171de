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
    static final Map<String, String> UNARY = Map.of("Relu", "Relu", "Tanh", "Tanh", "Sigmoid", "Sigmoid", "Sqrt", "Sqrt", "Erf", "Erf");

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
