package dev.formwork.passes;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.util.List;

/**
 * {@code recover-layer-norm}: turns the decomposed layer norm that torch.onnx writes below opset
 * 17 back into one {@code LayerNorm} over the last axis:
 * <pre>
 *   m = ReduceMean(x, [-1]);  d = x - m;  v = ReduceMean(Pow(d, 2), [-1])    (or d * d)
 *   n = d / Sqrt(v + eps);    y = n * gamma + beta                        (affine part optional)
 * </pre>
 * which is (x - mean) / sqrt(var + eps) * gamma + beta with the biased variance, the LayerNorm
 * definition, so only float32 rounding changes (the kernel accumulates in double). Preconditions:
 * both means reduce exactly the last axis with keepdims; the exponent is the constant 2; eps is a
 * one-element constant >= 0 added to the variance inside the square root (eps after the root is
 * another function); gamma and beta are float constants varying along the last axis only and not
 * broadcasting x; every intermediate but d (read by the square and the division) has one reader.
 * A missing gamma is ones, a missing beta zeros. The LayerNorm takes the name of the chain's last
 * node; gamma and beta keep their keys when they already are [C] constants.
 */
public final class RecoverLayerNorm implements Pass {
    @Override
    public String name() {
        return "recover-layer-norm";
    }

    @Override
    public String purpose() {
        return "turns ReduceMean/Sub/Pow/ReduceMean/Add(eps)/Sqrt/Div (and gamma, beta) back into one LayerNorm";
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
        if (!ctx.supports("LayerNorm")) return rw.finish("target has no LayerNorm");
        for (Node mean : List.copyOf(g.nodes())) {
            if (rw.live(mean) && mean.is("ReduceMean") && recover(rw, mean)) rw.rewrote();
        }
        return rw.finish(rw.rewrites() + " decomposed layer norms to LayerNorm");
    }

    private static boolean recover(Rewriter rw, Node mean) {
        Normalised m = normalised(rw, mean);
        if (m == null) return false;
        Value x = mean.input(0);
        Node last = m.div();
        Affine gamma = affine(rw, last, "Mul");
        if (gamma != null) last = rw.soleUser(last.output());
        Affine beta = affine(rw, last, "Add");
        if (beta != null) last = rw.soleUser(last.output());
        String key = gamma != null ? rw.keyOf(gamma.root()) : beta != null ? rw.keyOf(beta.root()) : last.name();
        String prefix = key.endsWith(".weight") || key.endsWith(".bias") ? key.substring(0, key.lastIndexOf('.')) : key;
        Shape c = Shape.of(x.shape().dim(-1));
        Value scale = vector(rw, gamma, c, 1f, prefix + ".weight");
        Value shift = vector(rw, beta, c, 0f, prefix + ".bias");
        rw.rebuild(last, "LayerNorm", List.of(x, scale, shift), Attributes.of("axis", -1, "epsilon", m.eps()));
        return true;
    }

    /** The Div computing (x - mean) / sqrt(var + eps), and eps. */
    private record Normalised(Node div, double eps) {}

    /** The normalisation that starts at {@code mean} = ReduceMean(x), or null when a precondition fails. */
    private static Normalised normalised(Rewriter rw, Node mean) {
        Value x = mean.input(0);
        if (x.isConstant() || !lastAxisMean(mean, x)) return null;
        Node sub = Patterns.soleUser(rw, mean.output(), "Sub");
        if (sub == null || sub.input(0) != x || sub.input(1) != mean.output() || !sub.output().shape().equals(x.shape())) return null;
        Value d = sub.output();
        Node square = null, div = null;
        for (Value.Use u : d.users()) {
            Node n = u.node();
            if (n.is("Div") && u.index() == 0 && div == null) div = n;
            else if (isSquare(n, d) && (square == null || square == n)) square = n;
            else return null;
        }
        if (square == null || div == null || rw.isOutput(d)) return null;
        Node var = Patterns.soleUser(rw, square.output(), "ReduceMean");
        if (var == null || !lastAxisMean(var, d)) return null;
        Node plus = Patterns.soleUser(rw, var.output(), "Add");
        Double eps = plus == null ? null : Patterns.scalar(Patterns.other(plus, "Add", var.output()));
        if (eps == null || !(eps >= 0)) return null;
        Node sqrt = Patterns.soleUser(rw, plus.output(), "Sqrt");
        if (sqrt == null || rw.soleUser(sqrt.output()) != div || div.input(1) != sqrt.output()) return null;
        return div.output().shape().equals(x.shape()) ? new Normalised(div, eps) : null;
    }

    /** gamma or beta: the constant it is read from and its value per index of the last axis. */
    private record Affine(Value root, double[] values) {}

    /** ReduceMean over exactly the last axis of x, keeping it. */
    private static boolean lastAxisMean(Node mean, Value x) {
        long[] axes = mean.ints("axes");
        int rank = x.shape().rank();
        return mean.i("keepdims") != 0 && axes.length == 1 && rank > 0 && Math.floorMod(axes[0], rank) == rank - 1;
    }

    private static boolean isSquare(Node n, Value d) {
        if (n.is("Pow")) return n.input(0) == d && Patterns.isScalar(n.input(1), 2) && n.output().shape().equals(d.shape());
        return n.is("Mul") && n.input(0) == d && n.input(1) == d;
    }

    /** The per-last-axis constant the sole {@code op} reader of {@code prev}'s output applies, or null. */
    private static Affine affine(Rewriter rw, Node prev, String op) {
        Value y = prev.output();
        Node n = Patterns.soleUser(rw, y, op);
        Value c = Patterns.other(n, op, y);
        Tensor t = c == null ? null : Weights.constantOf(c);
        double[] f = t == null || !t.dtype().isFloat() ? null : Weights.perAxis(t, y.shape(), y.shape().rank() - 1);
        return f == null ? null : new Affine(Weights.root(c), f);
    }

    /** A [C] float32 constant for gamma/beta: the root constant itself when it already is one. */
    private static Value vector(Rewriter rw, Affine a, Shape shape, float fill, String name) {
        if (a == null) return rw.constant(name, Weights.filled(shape, fill));
        if (a.root().shape().equals(shape) && Weights.isF32(a.root().constant())) return a.root();
        return rw.constant(name, Weights.build(shape, i -> a.values()[i]));
    }
}
