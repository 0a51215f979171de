package dev.formwork.passes;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code recover-linear}: turns {@code MatMul(x, C)} with a constant [K, N] matrix C, and the
 * {@code Add} of a per-output constant b that follows it (either operand order; torch.onnx writes
 * {@code Add(bias, MatMul)}), back into {@code Linear(x, C^T, b)}: the IR's Linear computes
 * x W^T + b with W [out, in] as PyTorch stores it, and C^T is exactly that W, so the products and
 * the sums are the same (the kernel may accumulate in another order: float32 rounding). The bias
 * must vary along the last axis only and not broadcast the product; the MatMul's result must have
 * no other reader for the Add to be absorbed (otherwise the Linear comes without bias). The
 * transposed weight is named after the bias ({@code qkv.bias} gives {@code qkv.weight}) or keeps
 * C's name; MatMuls sharing one C share one transposed copy.
 */
public final class RecoverLinear implements Pass {
    @Override
    public String name() {
        return "recover-linear";
    }

    @Override
    public String purpose() {
        return "turns MatMul by a constant matrix (and the bias Add after it) back into Linear";
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
        if (!ctx.supports("Linear")) return rw.finish("target has no Linear");
        Map<Value, Value> transposed = new IdentityHashMap<>();
        int biased = 0;
        for (Node mm : List.copyOf(g.nodes())) {
            if (!rw.live(mm) || !mm.is("MatMul") || mm.input(0).isConstant()) continue;
            Tensor c = Weights.constantOf(mm.input(1));
            if (!Weights.isF32(c) || c.shape().rank() != 2) continue;
            Value y = mm.output();
            Node add = Patterns.soleUser(rw, y, "Add");
            Value b = add == null ? null : bias(rw, add, y);
            Value root = Weights.root(mm.input(1));
            Value w = transposed.get(root);
            if (w == null) {
                w = rw.stagedConstant(weightKey(rw, root, b), transpose(c), root.isBuffer());
                transposed.put(root, w);
            }
            List<Value> ins = new ArrayList<>(List.of(mm.input(0), w));
            if (b != null) ins.add(b);
            Node lin = rw.rebuild(mm, "Linear", ins, Attributes.EMPTY);
            if (b != null && rw.replace(add, lin.output())) biased++;
            rw.rewrote();
        }
        return rw.finish(rw.rewrites() + " MatMuls to Linear, " + biased + " with their bias Add");
    }

    /** The Add's constant operand as a [N] constant when it only adds along y's last axis, else null. */
    private static Value bias(Rewriter rw, Node add, Value y) {
        Value c = Patterns.other(add, "Add", y);
        Tensor t = c == null ? null : Weights.constantOf(c);
        if (!Weights.isF32(t)) return null;
        int n = y.shape().dim(-1);
        double[] f = Weights.perAxis(t, y.shape(), y.shape().rank() - 1);
        if (f == null) return null;
        Value root = Weights.root(c);
        if (root.shape().equals(Shape.of(n))) return root;
        return rw.constant(add.name() + ".bias", Weights.build(Shape.of(n), i -> f[i]));
    }

    /** "x.bias" gives "x.weight"; otherwise the matrix keeps its own name. */
    private static String weightKey(Rewriter rw, Value matrix, Value bias) {
        String k = bias == null ? "" : rw.keyOf(bias);
        return k.endsWith(".bias") ? k.substring(0, k.length() - 5) + ".weight" : rw.keyOf(matrix);
    }

    /** C [K, N] -> C^T [N, K]. */
    private static Tensor transpose(Tensor c) {
        int k = c.shape().dim(0), n = c.shape().dim(1);
        FloatBuffer v = Weights.view(c);
        return Weights.build(Shape.of(n, k), i -> v.get((i % k) * n + i / k));
    }
}
