package dev.formwork.passes;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import java.util.List;

/**
 * {@code lower-gelu}: gives every GELU the form the user asked for in the form the target runs.
 * The form is {@code --gelu} (exact / tanh / sigmoid) or, without it, the node's own form (exact
 * for the zoo). A form the target has natively stays one Gelu node (ONNX opset >= 20, TFLite
 * GELU, Core ML gelu EXACT, ...: the profile's nativeGelu); otherwise it is decomposed:
 * <ul>
 *   <li>exact: with u = x * (1/sqrt2), GELU(x) = 0.5 x (1 + erf(x/sqrt2)) = u (1 + Erf(u)) * (1/sqrt2)
 *       (Mul, Erf, Add, Mul, Mul: the definition rearranged, so nothing changes beyond float32
 *       rounding). Written this way x is read once and both constant factors sit at the ends, next
 *       to the layers around the GELU, where fold-layer-scale folds them: into the Conv/Linear that
 *       computes x and into the Conv/Linear that reads the result, leaving Erf, Add, Mul;</li>
 *   <li>tanh: (x*0.5) * (1 + Tanh(x * (c + c*0.044715*x*x))), c = sqrt(2/pi) (8 ops, the tanh
 *       formula with x^3 factored as x*x*x);</li>
 *   <li>sigmoid: x * Sigmoid(1.702 x).</li>
 * </ul>
 * Approximations happen only when asked for, and then the pass measures what they cost: max abs
 * difference against the graph before the pass on the verification input, through the reference
 * interpreter, in the result's {@link PassResult.Approximation}.
 */
public final class LowerGelu implements Pass {
    static final double INV_SQRT2 = 0.7071067811865476, SQRT_2_OVER_PI = 0.7978845608028654;

    @Override
    public String name() {
        return "lower-gelu";
    }

    @Override
    public String purpose() {
        return "keeps GELU native where the target has the requested form, else decomposes it (exact via Erf; tanh/sigmoid only on --gelu)";
    }

    @Override
    public boolean idempotent() {
        return true;
    }

    @Override
    public boolean exact() {
        return false; // only with --gelu tanh|sigmoid
    }

    /** Needed under any --passes when an approximation is asked for or the target lacks the exact GELU. */
    @Override
    public boolean legalizes(TargetProfile profile, String gelu) {
        String form = form(gelu, "none");
        return !form.equals("none") || !hasNative(profile, form);
    }

    static String form(String gelu, String own) {
        if (gelu == null) return own;
        return gelu.equals("exact") ? "none" : gelu;
    }

    static boolean hasNative(TargetProfile p, String form) {
        return p.nativeGelu().contains(form) && (p.supportedOps().isEmpty() || p.supportedOps().contains("Gelu"));
    }

    @Override
    public PassResult run(Graph g, PassContext ctx) {
        List<Node> gelus = g.nodes().stream().filter(n -> n.is("Gelu")).toList();
        boolean approximates = gelus.stream().anyMatch(n -> !form(ctx.gelu(), n.s("approximate")).equals(n.s("approximate")));
        NdArray[] exact = approximates ? ctx.outputsBefore(g) : null;
        Rewriter rw = new Rewriter(g);
        Consts k = new Consts(rw);
        int native_ = 0, decomposed = 0;
        for (Node n : gelus) {
            String own = n.s("approximate"), want = form(ctx.gelu(), own);
            if (hasNative(ctx.profile(), want)) {
                if (!want.equals(own)) {
                    n.setAttributes(n.attributes().with("approximate", want));
                    rw.rewrote();
                }
                native_++;
                continue;
            }
            requireOps(ctx.profile(), n, want);
            Value x = n.input(0), y;
            String b = n.name();
            switch (want) {
                case "none" -> {
                    Value u = rw.apply("Mul", b + ".scale", Attributes.EMPTY, x, k.of(INV_SQRT2));
                    Value e = rw.apply("Erf", b + ".erf", Attributes.EMPTY, u);
                    Value m = rw.apply("Mul", b + ".gate", Attributes.EMPTY, u, rw.apply("Add", b + ".one_plus", Attributes.EMPTY, e, k.of(1)));
                    y = rw.apply("Mul", b + ".rescale", Attributes.EMPTY, m, k.of(INV_SQRT2));
                }
                case "tanh" -> {
                    Value x2 = rw.apply("Mul", b + ".square", Attributes.EMPTY, x, x);
                    Value r = rw.apply("Add", b + ".poly", Attributes.EMPTY,
                            rw.apply("Mul", b + ".cubic", Attributes.EMPTY, x2, k.of(SQRT_2_OVER_PI * 0.044715)), k.of(SQRT_2_OVER_PI));
                    Value t = rw.apply("Tanh", b + ".tanh", Attributes.EMPTY, rw.apply("Mul", b + ".inner", Attributes.EMPTY, x, r));
                    Value h = rw.apply("Mul", b + ".half", Attributes.EMPTY, x, k.of(0.5));
                    y = rw.apply("Mul", b + ".gate", Attributes.EMPTY, h, rw.apply("Add", b + ".one_plus", Attributes.EMPTY, t, k.of(1)));
                }
                case "sigmoid" -> {
                    Value s = rw.apply("Sigmoid", b + ".sigmoid", Attributes.EMPTY, rw.apply("Mul", b + ".scale", Attributes.EMPTY, x, k.of(1.702)));
                    y = rw.apply("Mul", b + ".gate", Attributes.EMPTY, x, s);
                }
                default -> throw new IllegalStateException(want);
            }
            rw.replace(n, y);
            rw.rewrote();
            decomposed++;
        }
        PassResult r = rw.finish(native_ + " native, " + decomposed + " decomposed ("
                + (ctx.gelu() == null ? "own form" : "--gelu " + ctx.gelu()) + ")");
        if (exact == null) return r;
        NdArray[] now = new Interpreter(g).run(ctx.verificationInputs(g));
        ctx.recordOutputsAfter(now);
        double abs = 0, rel = 0;
        for (int i = 0; i < now.length; i++) {
            Comparison c = Comparison.of(now[i], exact[i]);
            abs = Math.max(abs, c.maxAbs());
            rel = Math.max(rel, c.relativeToScale());
        }
        ctx.log("lower-gelu: approximation costs " + abs + " max abs (" + rel + " of max|output|)");
        return r.withApproximation(new PassResult.Approximation(abs, rel));
    }

    private static void requireOps(TargetProfile p, Node n, String form) {
        if (p.supportedOps().isEmpty()) return;
        List<String> need = switch (form) {
            case "none" -> List.of("Mul", "Add", "Erf");
            case "tanh" -> List.of("Mul", "Add", "Tanh");
            default -> List.of("Mul", "Sigmoid");
        };
        for (String op : need) {
            if (!p.supportedOps().contains(op)) {
                throw new FormworkException("node " + n.name() + " (Gelu): target " + p.target() + " has no native GELU approximate="
                        + form + " and no " + op + " to decompose it" + (form.equals("none") ? "; try --gelu tanh or --gelu sigmoid" : ""));
            }
        }
    }

    /** Shared scalar constants of one run (one 1/sqrt2, one 0.5, ... per graph). */
    private static final class Consts {
        private final Rewriter rw;
        private final java.util.Map<Double, Value> made = new java.util.HashMap<>();

        Consts(Rewriter rw) {
            this.rw = rw;
        }

        Value of(double v) {
            return made.computeIfAbsent(v, d -> rw.constant("gelu.const_" + Float.toString((float) (double) d), Tensor.scalar((float) (double) d)));
        }
    }
}
