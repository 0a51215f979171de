package dev.formwork.exporters.tflite;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.GeluOptions;

/**
 * Gelu -> the native GELU builtin (version 1, runtime 2.9+): approximate=false is the exact erf
 * form EfficientFormer uses, approximate=true the tanh form. {@code --gelu} overrides the node's
 * own form: "tanh" writes approximate=true, "sigmoid" writes x * LOGISTIC(1.702 x), "exact" (or
 * none) keeps the node's form.
 */
final class GeluLowering implements OpLowering {
    static String form(Node n, ExportOptions o) {
        String g = o.gelu();
        if (g == null || g.equals("exact")) return n.s("approximate");
        return g;
    }

    @Override
    public void check(Node n, ExportOptions options) {
        String f = form(n, options);
        if (!f.equals("none") && !f.equals("tanh") && !f.equals("sigmoid")) throw LoweringContext.refuse(n, "unknown GELU form " + f);
    }

    @Override
    public void lower(Node n, LoweringContext cx) {
        String f = form(n, cx.options);
        int x = cx.tensor(n.input(0)), y = cx.tensor(n.output());
        if (f.equals("sigmoid")) {
            Shape s = n.input(0).shape();
            int k = cx.constant(n.name() + "/1.702", ElementwiseLowering.scalar(1.702f));
            int kx = cx.intermediate(n.name() + "/scaled", s), sig = cx.intermediate(n.name() + "/sigmoid", s);
            ElementwiseLowering.binary(cx, "Mul", x, k, kx, s, Shape.SCALAR);
            cx.op(BuiltinOperator.LOGISTIC, new int[] {kx}, new int[] {sig});
            ElementwiseLowering.binary(cx, "Mul", x, sig, y, s, s);
            return;
        }
        boolean approximate = f.equals("tanh");
        cx.op(BuiltinOperator.GELU, 1, new int[] {x}, new int[] {y}, BuiltinOptions.GeluOptions,
                b -> GeluOptions.createGeluOptions(b, approximate));
    }
}
