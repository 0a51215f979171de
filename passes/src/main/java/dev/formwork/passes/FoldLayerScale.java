package dev.formwork.passes;

import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.util.List;

/**
 * {@code fold-layer-scale}: a residual branch's layer scale, Mul(y, gamma) with gamma a constant
 * (directly, or through Reshape(gamma, [1,C,1,1]) as the zoo builds it) that varies only along
 * y's feature axis, where y is computed by a Conv, Linear or BatchNorm that nothing else reads.
 * Then gamma[f]*y[f] is the same layer with weight row f and bias f multiplied by gamma[f]
 * (BatchNorm: its scale and bias), so the Mul goes.
 *
 * <p>After fold-conv-bn this covers every layer-scale Mul of both families except V1's token
 * mixer, whose branch ends in a Sub (see simplify-pool-mixer): Meta4D MLP (fc2), Meta3D proj
 * and fc2, V2 attention proj and MLP fc2.
 */
public final class FoldLayerScale implements Pass {
    @Override
    public String name() {
        return "fold-layer-scale";
    }

    @Override
    public String purpose() {
        return "folds per-channel layer-scale multiplies into the Conv/Linear that ends the branch";
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
        for (Node n : List.copyOf(g.nodes())) {
            if (!rw.live(n) || !n.is("Mul")) continue;
            for (int side = 1; side >= 0; side--) {
                if (fold(rw, n, n.input(1 - side), n.input(side))) {
                    rw.rewrote();
                    break;
                }
            }
        }
        return rw.finish("folded " + rw.rewrites() + " layer scales");
    }

    private static boolean fold(Rewriter rw, Node mul, Value y, Value gammaValue) {
        Node p = y.producer();
        Tensor gamma = Weights.constantOf(gammaValue);
        if (p == null || gamma == null || !gamma.dtype().isFloat() || rw.soleUser(y) != mul) return false;
        if (y.isConstant() || !mul.output().shape().equals(y.shape())) return false;
        int axis = Folding.featureAxis(p);
        if (axis < 0) return false;
        double[] f = Weights.perAxis(gamma, y.shape(), axis);
        if (f == null || !Folding.foldOutput(rw, p, f, null)) return false;
        return rw.replace(mul, mul.input(mul.input(0) == gammaValue ? 1 : 0));
    }
}
