package dev.formwork.passes;

import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * {@code merge-parallel-layers}: Add(L1(x), L2(x)) where L1 and L2 are two Linears (or two Convs
 * with identical attributes) reading the same x, and nothing else reads their outputs, is one
 * layer: W1 x + b1 + W2 x + b2 = (W1 + W2) x + (b1 + b2), summed in double. This is the
 * distilled classifier, (head(x) + head_dist(x)) / 2: after this pass and fold-layer-scale
 * (which takes the /2) it is one Linear. The merged layer keeps the first layer's name and
 * weight keys; the second's weights go.
 */
public final class MergeParallelLayers implements Pass {
    @Override
    public String name() {
        return "merge-parallel-layers";
    }

    @Override
    public String purpose() {
        return "merges Add(L1(x), L2(x)) of two Linears/Convs on the same input into one layer (the distillation heads)";
    }

    @Override
    public boolean idempotent() {
        return true;
    }

    @Override
    public PassResult run(Graph g, PassContext ctx) {
        Rewriter rw = new Rewriter(g);
        for (Node add : List.copyOf(g.nodes())) {
            if (rw.live(add) && add.is("Add") && merge(rw, add)) rw.rewrote();
        }
        return rw.finish(rw.rewrites() + " layer pairs merged");
    }

    private static boolean merge(Rewriter rw, Node add) {
        Value a = add.input(0), b = add.input(1);
        Node p = a.producer(), q = b.producer();
        if (p == null || q == null || p == q || !p.opType().equals(q.opType()) || !(p.is("Linear") || p.is("Conv"))) return false;
        if (p.input(0) != q.input(0) || rw.soleUser(a) != add || rw.soleUser(b) != add) return false;
        if (!p.attributes().equals(q.attributes()) || !a.shape().equals(b.shape()) || !add.output().shape().equals(a.shape())) return false;
        Tensor w1 = p.input(1).constant(), w2 = q.input(1).constant();
        Tensor b1 = bias(p), b2 = bias(q);
        if (!Weights.isF32(w1) || !Weights.isF32(w2) || !w1.shape().equals(w2.shape())) return false;
        if ((p.inputCount() > 2 && !Weights.isF32(b1)) || (q.inputCount() > 2 && !Weights.isF32(b2))) return false;
        FloatBuffer v1 = Weights.view(w1), v2 = Weights.view(w2);
        int out = w1.shape().dim(0);
        rw.setWeight(p, 1, Weights.build(w1.shape(), i -> (double) v1.get(i) + v2.get(i)));
        Folding.setBias(rw, p, Weights.build(Shape.of(out), o -> (b1 == null ? 0.0 : b1.getFloat(o)) + (b2 == null ? 0.0 : b2.getFloat(o))));
        return rw.replace(add, add.input(0)); // re-read: setBias may have rebuilt p
    }

    private static Tensor bias(Node n) {
        return n.inputCount() > 2 ? n.input(2).constant() : null;
    }
}
