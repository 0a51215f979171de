package dev.formwork.exporters.onnx.lower;

import dev.formwork.exporters.onnx.OnnxAttrs;
import dev.formwork.ir.Node;
import java.util.List;
import java.util.Map;

/**
 * GELU. From opset 20 ONNX has a Gelu op (approximate none|tanh); below it, and for the sigmoid
 * form at any opset, the formula is written out. A later lower-gelu pass may already have
 * decomposed Gelu in the IR; these decompositions are the fallback so that {@code --passes none}
 * still gives a valid file.
 */
final class GeluWriters {
    private GeluWriters() {}

    static final double SQRT_2 = Math.sqrt(2.0);
    static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    static void register(Map<String, OpWriter> t) {
        t.put("Gelu", GeluWriters::gelu);
    }

    static void gelu(Node n, Emit e) {
        String mode = n.s("approximate");
        switch (mode) {
            case "none" -> {
                if (e.opset() >= 20) e.result("Gelu", List.of(e.in(0)), OnnxAttrs.s("approximate", "none"));
                else exact(e);
            }
            case "tanh" -> {
                if (e.opset() >= 20) e.result("Gelu", List.of(e.in(0)), OnnxAttrs.s("approximate", "tanh"));
                else tanh(e);
            }
            case "sigmoid" -> sigmoid(e);
            default -> throw new IllegalStateException("Gelu approximate=" + mode + " passed check");
        }
    }

    /** gelu(x) = x * (erf(x / sqrt 2) + 1) * 0.5: Div, Erf, Add, Mul, Mul, as PyTorch writes it. */
    static void exact(Emit e) {
        String x = e.in(0);
        String scaled = e.tmp("Div", List.of(x, e.scalar("sqrt2", SQRT_2)));
        String erf = e.tmp("Erf", List.of(scaled));
        String onePlus = e.tmp("Add", List.of(erf, e.scalar("one", 1.0)));
        String times = e.tmp("Mul", List.of(x, onePlus));
        e.result("Mul", List.of(times, e.scalar("half", 0.5)));
    }

    /** gelu_tanh(x) = x * (tanh(sqrt(2/pi) * (x + 0.044715 x^3)) + 1) * 0.5. */
    static void tanh(Emit e) {
        String x = e.in(0);
        String x2 = e.tmp("Mul", List.of(x, x));
        String x3 = e.tmp("Mul", List.of(x2, x));
        String cubic = e.tmp("Mul", List.of(x3, e.scalar("c", 0.044715)));
        String inner = e.tmp("Add", List.of(x, cubic));
        String arg = e.tmp("Mul", List.of(inner, e.scalar("sqrt_2_over_pi", SQRT_2_OVER_PI)));
        String th = e.tmp("Tanh", List.of(arg));
        String onePlus = e.tmp("Add", List.of(th, e.scalar("one", 1.0)));
        String times = e.tmp("Mul", List.of(x, onePlus));
        e.result("Mul", List.of(times, e.scalar("half", 0.5)));
    }

    /** gelu_sigmoid(x) = x * sigmoid(1.702 x). */
    static void sigmoid(Emit e) {
        String x = e.in(0);
        String scaled = e.tmp("Mul", List.of(x, e.scalar("k", 1.702)));
        String s = e.tmp("Sigmoid", List.of(scaled));
        e.result("Mul", List.of(x, s));
    }
}
