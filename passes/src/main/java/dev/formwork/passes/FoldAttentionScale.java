package dev.formwork.passes;

import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.ir.interp.NdArray;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * {@code fold-attention-scale}: Mul(MatMul(q, k), s) with a scalar constant s equals
 * MatMul(s*q, k), and s*q is free when q is a rearrangement (Reshape, Transpose, Split, Slice,
 * Flatten, Identity) of output features of one Conv, Linear or BatchNorm: scale those features'
 * weight rows and biases by s and drop the Mul. V1: q is a per-head slice of the qkv Linear
 * (rows h*192 + [0,32) for key_dim 32, attn_ratio 4); V2: the q conv (after fold-conv-bn).
 *
 * <p>Which features are q is not assumed from a layout: the pass tags every element of the
 * producer's output with its feature index, pushes the tags through the rearranging ops with
 * their reference kernels, and reads the set of features that reach q. It then checks that none
 * of those features reaches any other reader (k, v, a graph output), so scaling them changes q and
 * nothing else. If q does not qualify, k is tried.
 */
public final class FoldAttentionScale implements Pass {
    private static final Set<String> MOVES = Set.of("Reshape", "Transpose", "Split", "Slice", "Flatten", "Identity");
    private static final long MAX_TAGS = 1L << 22;

    @Override
    public String name() {
        return "fold-attention-scale";
    }

    @Override
    public String purpose() {
        return "folds the scalar attention scale after MatMul(q, k) into the weights that produce q";
    }

    @Override
    public boolean idempotent() {
        return true;
    }

    @Override
    public List<String> requires() {
        return List.of("fold-conv-bn", "fold-constants");
    }

    @Override
    public PassResult run(Graph g, PassContext ctx) {
        Rewriter rw = new Rewriter(g);
        for (Node mul : List.copyOf(g.nodes())) {
            if (!rw.live(mul) || !mul.is("Mul")) continue;
            for (int side = 1; side >= 0; side--) {
                Tensor s = Weights.constantOf(mul.input(side));
                Value prod = mul.input(1 - side);
                Node mm = prod.producer();
                if (s == null || s.numel() != 1 || !s.dtype().isFloat() || mm == null || !mm.is("MatMul")) continue;
                if (rw.soleUser(prod) != mul || !mul.output().shape().equals(prod.shape())) continue;
                if (scaleOperand(rw, mm, 0, s.getFloat(0)) || scaleOperand(rw, mm, 1, s.getFloat(0))) {
                    rw.replace(mul, mm.output());
                    rw.rewrote();
                    break;
                }
            }
        }
        return rw.finish(rw.rewrites() + " attention scales folded");
    }

    /** Scales the features that make up operand {@code slot} of {@code mm} at their producer, if exact. */
    private static boolean scaleOperand(Rewriter rw, Node mm, int slot, double scale) {
        Value operand = mm.input(slot), cur = operand;
        while (cur.producer() != null && MOVES.contains(cur.producer().opType())) cur = cur.producer().input(0);
        Node src = cur.producer();
        if (src == null || Folding.featureAxis(src) < 0 || cur.shape().numel() > MAX_TAGS) return false;
        int features = cur.shape().dim(Folding.featureAxis(src));

        // Tag the producer's output with feature indices and push the tags through the rearrangements.
        IdentityHashMap<Value, float[]> tags = new IdentityHashMap<>();
        tags.put(cur, featureTags(cur, Folding.featureAxis(src)));
        Deque<Value> work = new ArrayDeque<>(List.of(cur));
        boolean[] inQ = null;
        java.util.List<float[]> elsewhere = new java.util.ArrayList<>();
        while (!work.isEmpty()) {
            Value v = work.pop();
            float[] t = tags.get(v);
            if (rw.isOutput(v)) elsewhere.add(t);
            for (Value.Use u : v.users()) {
                Node n = u.node();
                if (n == mm && u.index() == slot && v == operand) {
                    inQ = mark(t, features);
                } else if (MOVES.contains(n.opType()) && u.index() == 0 && n.inputCount() == 1) {
                    NdArray[] res = n.op().compute(n, new NdArray[] {NdArray.of(v.shape().toArray(), t)});
                    for (int i = 0; i < res.length; i++) {
                        if (tags.put(n.output(i), res[i].data()) == null) work.push(n.output(i));
                    }
                } else {
                    elsewhere.add(t);
                }
            }
        }
        if (inQ == null) return false;
        for (float[] t : elsewhere) for (float f : t) if (inQ[(int) f]) return false;
        double[] mul = new double[features];
        for (int f = 0; f < features; f++) mul[f] = inQ[f] ? scale : 1.0;
        return Folding.foldOutput(rw, src, mul, null);
    }

    private static float[] featureTags(Value v, int axis) {
        int[] s = v.shape().toArray();
        int inner = (int) v.shape().product(axis + 1, s.length), n = s[axis];
        float[] t = new float[Math.toIntExact(v.shape().numel())];
        for (int i = 0; i < t.length; i++) t[i] = (i / inner) % n;
        return t;
    }

    private static boolean[] mark(float[] t, int features) {
        boolean[] m = new boolean[features];
        for (float f : t) m[(int) f] = true;
        return m;
    }
}
