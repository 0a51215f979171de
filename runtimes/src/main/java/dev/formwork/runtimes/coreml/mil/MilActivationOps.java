package dev.formwork.runtimes.coreml.mil;

import dev.formwork.ir.kernels.MathFns;
import java.util.Map;

/**
 * Activations, from coremltools {@code iOS15/activation.py}: relu ({@code max(x, 0)}), relu6,
 * sigmoid, silu, leaky_relu ({@code alpha} default 0.01), softplus, and gelu with its three
 * modes — EXACT {@code 0.5x(1 + erf(x/sqrt 2))} (the default), TANH_APPROXIMATION
 * {@code 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3)))} and SIGMOID_APPROXIMATION
 * {@code x * sigmoid(1.702x)}; sigmoid_hard {@code min(max(alpha x + beta, 0), 1)} with alpha
 * and beta required (no defaults in the iOS15 or iOS17 definitions). NaN propagates through relu
 * and sigmoid_hard.
 */
final class MilActivationOps {
    private MilActivationOps() {}

    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    @FunctionalInterface
    private interface Fn {
        float apply(float x);
    }

    static void register(Map<String, MilOp> t) {
        t.put("relu", c -> map(c, x -> x > 0 || x != x ? x : 0f));
        t.put("relu6", c -> map(c, x -> x != x ? x : Math.min(Math.max(x, 0f), 6f)));
        t.put("sigmoid", c -> map(c, MilActivationOps::sigmoid));
        t.put("silu", c -> map(c, x -> x * sigmoid(x)));
        t.put("softplus", c -> map(c, x -> (float) Math.log1p(Math.exp(x))));
        t.put("leaky_relu", c -> {
            float a = c.floatParam("alpha", 0.01f);
            return map(c, x -> x >= 0 ? x : a * x);
        });
        t.put("sigmoid_hard", c -> {
            c.in("alpha");
            c.in("beta"); // both required: fails naming the missing one
            float a = c.floatParam("alpha", 0f), b = c.floatParam("beta", 0f);
            return map(c, x -> Math.min(Math.max(a * x + b, 0f), 1f)); // Math.max/min keep a NaN
        });
        t.put("gelu", c -> {
            String mode = c.strParam("mode", "EXACT");
            Fn f = switch (mode) {
                case "EXACT" -> x -> (float) (0.5 * x * (1 + MathFns.erf(x / Math.sqrt(2))));
                case "TANH_APPROXIMATION" -> x -> (float) (0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x))));
                case "SIGMOID_APPROXIMATION" -> x -> (float) (x / (1 + Math.exp(-1.702 * x)));
                default -> throw c.fail("unknown gelu mode '" + mode + "' (EXACT, TANH_APPROXIMATION, SIGMOID_APPROXIMATION)");
            };
            return map(c, f);
        });
    }

    static float sigmoid(float x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }

    private static MilValue[] map(MilOpContext c, Fn f) {
        MilValue x = MilElementwiseOps.floatInput(c, "x");
        float[] s = x.floats(), y = new float[s.length];
        for (int k = 0; k < y.length; k++) y[k] = f.apply(s[k]);
        return new MilValue[] {MilValue.floats(x.dtype(), x.shape(), y)};
    }
}
