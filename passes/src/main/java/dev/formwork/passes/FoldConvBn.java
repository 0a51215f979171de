package dev.formwork.passes;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code fold-conv-bn}: removes inference BatchNorms. With s = gamma / sqrt(var + eps) and
 * t = beta - mean * s (in double), BN(y) = y*s + t per channel, an affine map, so:
 * <ol>
 *   <li><b>after a Conv or Linear</b> whose output only the BN reads, and whose output features are
 *       the BN's channels (a Linear only when its output is [B, F]: IR BatchNorm normalises axis 1):
 *       W'[o,..] = W[o,..]*s[o], b' = (b - mean)*s + beta = b*s + t;</li>
 *   <li><b>after MatMul(x, C)</b> with a constant C [K,N] and a [B,N] output: becomes
 *       Linear(x, (C*s)^T, t);</li>
 *   <li><b>before</b> unpadded Convs and [B,C] Linears that read it, also through ReduceMeans over
 *       non-channel axes (mean commutes with a per-channel affine map; V2's final norm before the
 *       pooled heads): W'[o,i] = W[o,i]*s[i], b' = b + W t. A padded conv is refused: its padding
 *       zeros would not pass through the affine map;</li>
 *   <li>otherwise it becomes Mul(x, s) then Add(., t) with constants shaped [1,C,1,1] (broadcast
 *       along the BN's channel axis), the arithmetic the BN kernel itself does.</li>
 * New op types (Linear, Mul, Add) are only introduced when the target profile supports them.
 * </ol>
 * Folded tensors keep the layer's checkpoint keys; BN parameters and statistics go.
 */
public final class FoldConvBn implements Pass {
    @Override
    public String name() {
        return "fold-conv-bn";
    }

    @Override
    public String purpose() {
        return "folds BatchNorm into the Conv/Linear/MatMul before it or the unpadded Conv/Linear after it; the rest become Mul+Add";
    }

    @Override
    public boolean idempotent() {
        return true;
    }

    @Override
    public boolean legalizes(TargetProfile profile, String gelu) {
        return !profile.supportedOps().isEmpty() && !profile.supportedOps().contains("BatchNorm");
    }

    /** A BN as the affine map x*s + t along {@code axis}. */
    record Affine(double[] s, double[] t, int axis) {
        static Affine of(Node bn) {
            Tensor[] p = new Tensor[5];
            for (int i = 1; i < 5; i++) {
                p[i] = Weights.constantOf(bn.input(i));
                if (p[i] == null || !p[i].dtype().isFloat()) return null;
            }
            int c = Math.toIntExact(p[1].numel());
            double eps = bn.d("epsilon");
            double[] s = new double[c], t = new double[c];
            for (int i = 0; i < c; i++) {
                s[i] = p[1].getFloat(i) / Math.sqrt(p[4].getFloat(i) + eps);
                t[i] = p[2].getFloat(i) - p[3].getFloat(i) * s[i];
            }
            return new Affine(s, t, Folding.channelAxis(bn, bn.input(0).shape().rank()));
        }
    }

    @Override
    public PassResult run(Graph g, PassContext ctx) {
        Rewriter rw = new Rewriter(g);
        int back = 0, fwd = 0, kept = 0;
        for (Node n : List.copyOf(g.nodes())) {
            if (!rw.live(n) || !n.is("BatchNorm")) continue;
            Affine a = Affine.of(n);
            if (a == null) continue;
            if (foldBackward(rw, n, a, ctx)) back++;
            else if (foldForward(rw, n, a)) fwd++;
            else if (ctx.supports("Mul") && ctx.supports("Add") && toMulAdd(rw, n, a)) kept++;
            else continue;
            rw.rewrote();
        }
        return rw.finish(back + " into the op before, " + fwd + " into the ops after, " + kept + " to Mul+Add");
    }

    private static boolean foldBackward(Rewriter rw, Node bn, Affine a, PassContext ctx) {
        Value y = bn.input(0);
        Node p = y.producer();
        if (p == null || rw.soleUser(y) != bn) return false;
        if (p.is("MatMul")) return ctx.supports("Linear") && matMulToLinear(rw, bn, p, a);
        if (!(p.is("Conv") || p.is("Linear")) || Folding.featureAxis(p) != a.axis()) return false;
        if (p.is("Conv") && !p.s("layout").equals(bn.s("layout"))) return false;
        if (!Folding.foldOutput(rw, p, a.s(), a.t())) return false;
        return rw.replace(bn, bn.input(0)); // re-read: the fold may have rebuilt p
    }

    /** MatMul(x, C) -> BN over the last axis of a [B,N] result == Linear(x, (C*s)^T, t). */
    private static boolean matMulToLinear(Rewriter rw, Node bn, Node mm, Affine a) {
        Value cv = Weights.root(mm.input(1));
        Tensor c = Weights.constantOf(mm.input(1));
        if (c == null || !Weights.isF32(c) || c.shape().rank() != 2 || mm.output().shape().rank() != 2 || a.axis() != 1) return false;
        if (mm.input(0).shape().rank() != 2) return false;
        int k = c.shape().dim(0), n = c.shape().dim(1);
        java.nio.FloatBuffer cb = Weights.view(c);
        Value w = rw.stagedConstant(rw.keyOf(cv), Weights.build(Shape.of(n, k), i -> cb.get((i % k) * n + i / k) * a.s()[i / k]), false);
        Value b = rw.stagedConstant(Folding.biasKey(rw, cv), Weights.build(Shape.of(n), i -> a.t()[i]), false);
        Node lin = rw.rebuild(mm, "Linear", List.of(mm.input(0), w, b), Attributes.EMPTY);
        return rw.replace(bn, lin.output());
    }

    private static boolean foldForward(Rewriter rw, Node bn, Affine a) {
        List<Node> absorbers = new ArrayList<>();
        if (!absorbable(rw, bn.output(), a.axis(), absorbers)) return false;
        for (Node c : absorbers) Folding.absorbInput(rw, c, a.s(), a.t());
        return rw.replace(bn, bn.input(0));
    }

    /** Every reader of v takes a per-channel affine map on its input into its weights (collected). */
    private static boolean absorbable(Rewriter rw, Value v, int axis, List<Node> out) {
        if (rw.isOutput(v) || v.users().isEmpty()) return false;
        for (Value.Use u : v.users()) {
            Node c = u.node();
            if (c.is("ReduceMean")) {
                if (!reducesOnlyOtherAxes(c, v, axis)) return false;
                int after = axis;
                if (c.i("keepdims") == 0) for (long ax : c.ints("axes")) if (Math.floorMod(ax, v.shape().rank()) < axis) after--;
                if (!absorbable(rw, c.output(), after, out)) return false;
            } else if ((c.is("Conv") || c.is("Linear")) && Folding.canAbsorbInput(c, u.index(), v, axis)) {
                if (!out.contains(c)) out.add(c);
            } else {
                return false;
            }
        }
        return true;
    }

    private static boolean reducesOnlyOtherAxes(Node mean, Value v, int axis) {
        for (long ax : mean.ints("axes")) if (Math.floorMod(ax, v.shape().rank()) == axis) return false;
        return true;
    }

    /** BN(x) = x*s + t as two elementwise nodes with [1,..,C,..,1] constants. */
    private static boolean toMulAdd(Rewriter rw, Node bn, Affine a) {
        Value x = bn.input(0);
        int rank = x.shape().rank();
        int[] dims = new int[rank];
        java.util.Arrays.fill(dims, 1);
        dims[a.axis()] = a.s().length;
        Shape shape = Shape.of(dims);
        String key = rw.keyOf(bn.input(1));
        String prefix = key.endsWith(".weight") ? key.substring(0, key.length() - 7) : bn.name();
        Value s = rw.constant(prefix + ".bn_scale", Weights.build(shape, i -> a.s()[i]));
        Value t = rw.constant(prefix + ".bn_shift", Weights.build(shape, i -> a.t()[i]));
        Value m = rw.apply("Mul", bn.name() + ".mul", Attributes.EMPTY, x, s);
        Value y = rw.apply("Add", bn.name() + ".add", Attributes.EMPTY, m, t);
        return rw.replace(bn, y);
    }
}
