package dev.formwork.passes;

import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * {@code fold-conv-affine}: folds a Mul, Div, Add or Sub by a per-channel constant that directly
 * follows a Conv into that Conv. Exporters write a BatchNorm they did not fold, or a scale and
 * shift after a conv, as {@code Mul(conv, s)} then {@code Add(., t)} with [1,C,1,1] (or scalar)
 * constants; conv(x)[c]*s[c] + t[c] is the conv with weight rows W[c]*s[c] and bias b[c]*s[c] + t[c],
 * so the outputs only change by float32 rounding (the new weights are computed in double and
 * rounded once). Chains fold one node at a time (Mul, then the Add that now reads the conv).
 * Preconditions: the conv's output has no other reader, the constant is float and varies along
 * the conv's channel axis only, and it does not broadcast the result beyond the conv's shape.
 * A shift alone changes only the bias (the weight stays the same tensor); a conv without bias
 * gets one.
 */
public final class FoldConvAffine implements Pass {
    @Override
    public String name() {
        return "fold-conv-affine";
    }

    @Override
    public String purpose() {
        return "folds Mul/Div/Add/Sub by per-channel constants right after a Conv into its weight and bias";
    }

    @Override
    public boolean idempotent() {
        return true;
    }

    /** The factors must be plain constants: imported Constant nodes are folded first. */
    @Override
    public List<String> requires() {
        return List.of("fold-constants");
    }

    @Override
    public PassResult run(Graph g, PassContext ctx) {
        Rewriter rw = new Rewriter(g);
        for (Node n : List.copyOf(g.nodes())) {
            if (!rw.live(n) || !(n.is("Mul") || n.is("Div") || n.is("Add") || n.is("Sub"))) continue;
            boolean commutes = n.is("Mul") || n.is("Add");
            for (int side = 1; side >= (commutes ? 0 : 1); side--) {
                if (fold(rw, n, side)) {
                    rw.rewrote();
                    break;
                }
            }
        }
        return rw.finish(rw.rewrites() + " per-channel scales/shifts folded into Convs");
    }

    /** {@code side} is the constant's input slot; the conv output is the other. */
    private static boolean fold(Rewriter rw, Node n, int side) {
        Value y = n.input(1 - side);
        Node conv = y.producer();
        Tensor c = Weights.constantOf(n.input(side));
        if (conv == null || !conv.is("Conv") || rw.soleUser(y) != n || c == null || !c.dtype().isFloat()) return false;
        if (!n.output().shape().equals(y.shape()) || !Weights.isF32(conv.input(1).constant())) return false;
        if (conv.inputCount() > 2 && !Weights.isF32(conv.input(2).constant())) return false;
        double[] f = Weights.perAxis(c, y.shape(), Folding.featureAxis(conv));
        if (f == null) return false;
        if (n.is("Mul") || n.is("Div")) {
            for (int i = 0; n.is("Div") && i < f.length; i++) {
                if (f[i] == 0) return false; // x/0 is not a weight scale
                f[i] = 1.0 / f[i];
            }
            if (!Folding.foldOutput(rw, conv, f, null)) return false;
        } else {
            if (n.is("Sub")) for (int i = 0; i < f.length; i++) f[i] = -f[i];
            shiftBias(rw, conv, f);
        }
        return rw.replace(n, n.input(1 - side)); // re-read: a conv that got a bias was rebuilt
    }

    /** b'[o] = b[o] + t[o] (b = 0 without a bias). */
    private static void shiftBias(Rewriter rw, Node conv, double[] t) {
        FloatBuffer b = conv.inputCount() > 2 ? Weights.view(conv.input(2).constant()) : null;
        Folding.setBias(rw, conv, Weights.build(Shape.of(t.length), o -> (b == null ? 0 : b.get(o)) + t[o]));
    }
}
