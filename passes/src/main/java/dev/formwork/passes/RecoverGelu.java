package dev.formwork.passes;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Value;
import java.util.List;

/**
 * {@code recover-gelu}: turns the erf form of GELU that exporters write back into one exact
 * {@code Gelu} node. torch.onnx writes {@code nn.GELU()} as
 * {@code Mul(Mul(x, Add(Erf(Div(x, 1.4142135)), 1)), 0.5)}; other exporters scale by
 * {@code Mul(x, 0.70710677)} or apply the 0.5 to x or to the gate first. Matched, with any operand
 * order of the commutative Add/Mul:
 * <pre>
 *   u = x / sqrt2  or  x * (1/sqrt2);  g = 1 + Erf(u)
 *   y = (x * g) * 0.5  |  (x * 0.5) * g  |  x * (g * 0.5)
 * </pre>
 * That is 0.5 x (1 + erf(x / sqrt2)), GELU's definition, so only float32 rounding changes. The
 * factors must be one-element constants (sqrt2 and 1/sqrt2 within one float32 ulp, 1 and 0.5
 * exactly) that do not broadcast x, and every intermediate must have no other reader; x itself may
 * have others. The Gelu takes the name of the chain's last node. A target without a native GELU
 * still gets it: lower-gelu (legalization) decomposes it again, in the form whose constants
 * fold into the layers around it.
 */
public final class RecoverGelu implements Pass {
    private static final double SQRT2 = Math.sqrt(2), INV_SQRT2 = 1 / Math.sqrt(2);

    @Override
    public String name() {
        return "recover-gelu";
    }

    @Override
    public String purpose() {
        return "turns the exporters' erf chain 0.5*x*(1+erf(x/sqrt2)) back into one exact Gelu";
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
        for (Node erf : List.copyOf(g.nodes())) {
            if (!rw.live(erf) || !erf.is("Erf")) continue;
            Value x = scaledInput(rw, erf);
            Node last = x == null ? null : lastNode(rw, erf, x);
            if (last == null) continue;
            rw.rebuild(last, "Gelu", List.of(x), Attributes.of("approximate", "none"));
            rw.rewrote();
        }
        return rw.finish(rw.rewrites() + " erf chains to Gelu");
    }

    /** x when the Erf reads only x/sqrt2 or x*(1/sqrt2), that value having no other reader. */
    private static Value scaledInput(Rewriter rw, Node erf) {
        Value u = erf.input(0);
        Node scale = u.producer();
        if (scale == null || rw.soleUser(u) != erf) return null;
        Value x = null;
        if (scale.is("Div") && Patterns.isScalarNear(scale.input(1), SQRT2)) x = scale.input(0);
        for (int side = 0; scale.is("Mul") && side < 2; side++) {
            if (Patterns.isScalarNear(scale.input(side), INV_SQRT2)) x = scale.input(1 - side);
        }
        return x != null && !x.isConstant() && x.shape().equals(u.shape()) ? x : null;
    }

    /** The node computing 0.5 * x * (1 + Erf(...)) in one of the three association orders, or null. */
    private static Node lastNode(Rewriter rw, Node erf, Value x) {
        Node plus = Patterns.soleUser(rw, erf.output(), "Add");
        if (plus == null || !Patterns.isScalar(Patterns.other(plus, "Add", erf.output()), 1)) return null;
        Value gate = plus.output();
        Node m = Patterns.soleUser(rw, gate, "Mul");
        Value partner = Patterns.other(m, "Mul", gate);
        if (partner == null) return null;
        if (partner == x) { // (x * g) * 0.5
            Node half = Patterns.soleUser(rw, m.output(), "Mul");
            return Patterns.isScalar(Patterns.other(half, "Mul", m.output()), 0.5) ? half : null;
        }
        if (Patterns.isScalar(partner, 0.5)) { // x * (g * 0.5)
            Node outer = Patterns.soleUser(rw, m.output(), "Mul");
            return Patterns.other(outer, "Mul", m.output()) == x && outer.output().shape().equals(x.shape()) ? outer : null;
        }
        Node h = partner.producer(); // (x * 0.5) * g
        if (h == null || rw.soleUser(partner) != m || Patterns.other(h, "Mul", x) == null) return null;
        return Patterns.isScalar(Patterns.other(h, "Mul", x), 0.5) && m.output().shape().equals(x.shape()) ? m : null;
    }
}
