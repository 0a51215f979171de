package dev.formwork.passes;

import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code fold-layer-scale}: y*gamma (or y/c) with a constant that varies only along one feature
 * axis is folded into a neighbouring layer's weights, and the Mul (Div) goes:
 * <ul>
 *   <li><b>into the producer</b>: y computed by a Conv, Linear or BatchNorm that nothing else
 *       reads, gamma along its output features: gamma[f]*y[f] is the same layer with weight row f
 *       and bias f multiplied by gamma[f] (BatchNorm: its scale and bias). This is the residual
 *       branch's layer scale, given directly or through Reshape(gamma, [1,C,1,1]);</li>
 *   <li><b>into the consumers</b>, when the producer cannot take it: every reader of the product
 *       is a Conv (channels, any padding: padded zeros scale to zeros) or a Linear (last axis), so
 *       W[o,i]*(gamma[i]*x[i]) = (W[o,i]*gamma[i])*x[i]: the columns are scaled, the bias stays.
 *       This takes the trailing constant factor of lower-gelu's exact decomposition into the next
 *       layer.</li>
 * </ul>
 * After fold-conv-bn this removes every layer-scale Mul of both families except V1's token
 * mixer, whose branch ends in a Sub (see simplify-pool-mixer): Meta4D MLP (fc2), Meta3D proj and
 * fc2, V2 attention proj and MLP fc2; and a Div by a constant becomes a multiply by 1/c
 * (rounded once), e.g. the distillation heads' average.
 */
public final class FoldLayerScale implements Pass {
    @Override
    public String name() {
        return "fold-layer-scale";
    }

    @Override
    public String purpose() {
        return "folds per-channel constant multiplies (layer scales, GELU constants) into the adjacent Conv/Linear";
    }

    @Override
    public boolean idempotent() {
        return true;
    }

    @Override
    public List<String> requires() {
        return List.of("fold-conv-bn");
    }

    @Override
    public PassResult run(Graph g, PassContext ctx) {
        Rewriter rw = new Rewriter(g);
        int into = 0, onto = 0;
        for (Node n : List.copyOf(g.nodes())) {
            if (!rw.live(n) || !(n.is("Mul") || n.is("Div"))) continue;
            for (int side = 1; side >= (n.is("Mul") ? 0 : 1); side--) {
                Value y = n.input(1 - side), cv = n.input(side);
                Tensor c = Weights.constantOf(cv);
                if (c == null || !c.dtype().isFloat() || y.isConstant() || !n.output().shape().equals(y.shape())) continue;
                if (intoProducer(rw, n, side, c)) into++;
                else if (intoConsumers(rw, n, side, c)) onto++;
                else continue;
                rw.rewrote();
                break;
            }
        }
        return rw.finish(into + " folded into the layer before, " + onto + " into the layers after");
    }

    private static double[] factors(Node op, Tensor c, Value y, int axis) {
        double[] f = Weights.perAxis(c, y.shape(), axis);
        if (f != null && op.is("Div")) for (int i = 0; i < f.length; i++) f[i] = 1.0 / f[i];
        return f;
    }

    /** {@code side} is the constant's input slot; the other slot is re-read after a fold (a fold may rebuild the producer). */
    private static boolean intoProducer(Rewriter rw, Node op, int side, Tensor c) {
        Value y = op.input(1 - side);
        Node p = y.producer();
        if (p == null || rw.soleUser(y) != op) return false;
        int axis = Folding.featureAxis(p);
        if (axis < 0) return false;
        double[] f = factors(op, c, y, axis);
        if (f == null || !Folding.foldOutput(rw, p, f, null)) return false;
        return rw.replace(op, op.input(1 - side));
    }

    private static boolean intoConsumers(Rewriter rw, Node op, int side, Tensor c) {
        Value y = op.input(1 - side), out = op.output();
        if (rw.isOutput(out) || out.users().isEmpty()) return false;
        List<Node> readers = new ArrayList<>();
        List<double[]> fs = new ArrayList<>();
        for (Value.Use u : out.users()) {
            Node r = u.node();
            int axis = r.is("Linear") ? out.shape().rank() - 1 : 1;
            if (!(r.is("Conv") || r.is("Linear")) || !Folding.canAbsorbInputScale(r, u.index(), out, axis)) return false;
            double[] f = factors(op, c, y, axis);
            if (f == null) return false;
            readers.add(r);
            fs.add(f);
        }
        for (int i = 0; i < readers.size(); i++) Folding.absorbInput(rw, readers.get(i), fs.get(i), null);
        return rw.replace(op, op.input(1 - side));
    }
}
