package dev.formwork.passes.layout;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.op.ShapeOps;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of one layout rewrite: the NCHW source graph, the graph being built, and for every
 * source value either its folded constant or where it lives in the new graph and in which layout.
 *
 * <p>Data moves only through {@link #as}: it returns a value in the requested layout, reusing
 * an earlier conversion of the same value, re-laying constants into new tensors (never a
 * Transpose node on a constant), and emitting a Reshape instead of a Transpose when only
 * size-1 axes move. Every rule asks for layouts through here, so "a transpose exists" always
 * means "some op needs the bytes in another order".
 */
final class LayoutContext {
    /** Where a source value lives in the new graph. */
    record Laid(Value value, int[] perm) {}

    final Graph src;
    final Graph dst;
    private final ImageValues images;
    private final IdentityHashMap<Value, Laid> laid = new IdentityHashMap<>();
    private final IdentityHashMap<Value, Tensor> folded = new IdentityHashMap<>();
    private final IdentityHashMap<Value, Map<String, Value>> converted = new IdentityHashMap<>();
    int constantsRelaid;

    LayoutContext(Graph src, Graph dst) {
        this.src = src;
        this.dst = dst;
        this.images = ImageValues.of(src);
    }

    // ------------------------------------------------------------------ source values

    boolean isConstant(Value v) {
        return v.isConstant() || folded.containsKey(v);
    }

    /** The logical data of a constant (a source constant or a folded node output). */
    Tensor constant(Value v) {
        return v.isConstant() ? v.constant() : folded.get(v);
    }

    void fold(Value v, Tensor t) {
        folded.put(v, t);
    }

    Laid laid(Value v) {
        Laid l = laid.get(v);
        if (l == null) throw new IllegalStateException("value " + v.name() + " used before it was laid out");
        return l;
    }

    int[] perm(Value v) {
        return isConstant(v) ? Perm.identity(v.shape().rank()) : laid(v).perm();
    }

    /** Records that source value {@code v} is {@code value} in the new graph, laid out as {@code perm}. */
    void define(Value v, Value value, int[] perm) {
        Shape expect = Perm.apply(v.shape(), perm);
        if (!value.shape().equals(expect)) {
            throw new IllegalStateException("layout of " + v.name() + ": " + value.shape() + " is not " + v.shape()
                    + " laid out as " + Perm.format(perm));
        }
        laid.put(v, new Laid(value, perm.clone()));
    }

    /** NHWC for feature maps, the logical order for everything else. */
    int[] preferred(Value v) {
        int r = v.shape().rank();
        return r == 4 && images.isImage(v) ? Perm.NHWC.clone() : Perm.identity(r);
    }

    // ------------------------------------------------------------------ new graph

    Value emit(String op, String name, Attributes attrs, Value... ins) {
        return dst.apply(op, name, attrs, ins);
    }

    Node emitNode(String op, String name, List<Value> ins, Attributes attrs) {
        return dst.add(op, name, ins, attrs);
    }

    /** Source value {@code v} in layout {@code target}; {@code site} names any node this inserts. */
    Value as(Value v, int[] target, String site) {
        if (isConstant(v)) return constantAs(v, target);
        Laid l = laid(v);
        if (java.util.Arrays.equals(l.perm(), target)) return l.value();
        Map<String, Value> memo = converted.computeIfAbsent(v, k -> new HashMap<>());
        String key = Perm.format(target);
        Value done = memo.get(key);
        if (done != null) return done;
        int[] q = Perm.between(l.perm(), target);
        Value out;
        if (Perm.onlyMovesUnitAxes(l.value().shape(), q)) {
            out = emit("Reshape", site + "/relayout", Attributes.of("shape", Perm.apply(v.shape(), target).toArray()), l.value());
        } else {
            out = emit("Transpose", site + "/transpose", Attributes.of("perm", q), l.value());
        }
        memo.put(key, out);
        return out;
    }

    /** A constant in the new graph with its data transposed by {@code perm} (the same tensor when identity). */
    Value constantAs(Value v, int[] perm) {
        Tensor t = constant(v);
        Map<String, Value> memo = converted.computeIfAbsent(v, k -> new HashMap<>());
        String key = "c" + Perm.format(perm);
        Value done = memo.get(key);
        if (done != null) return done;
        Tensor data = t;
        String name = v.name();
        if (!Perm.isIdentity(perm)) {
            data = permute(t, perm);
            name = v.name() + "/" + (java.util.Arrays.equals(perm, Perm.NHWC) ? "nhwc" : "perm" + Perm.format(perm));
            constantsRelaid++;
        }
        Value c = v.isBuffer() || !v.isConstant() ? dst.addBuffer(name, data) : dst.addConstant(name, data);
        memo.put(key, c);
        return c;
    }

    /**
     * A constant operand of an elementwise op whose output (rank {@code rank}) is laid out as
     * {@code outPerm}: NumPy-padded to that rank, permuted, and with leading 1s dropped again, so
     * a per-channel [1,C,1,1] becomes [C] under NHWC.
     */
    Value broadcastConstant(Value v, int[] outPerm, String site) {
        Tensor t = constant(v);
        int rank = outPerm.length;
        if (t.numel() == 1) return constantAs(v, Perm.identity(t.shape().rank())); // a scalar fits any layout
        if (t.shape().rank() == rank && Perm.isIdentity(outPerm)) return constantAs(v, outPerm);
        if (t.shape().rank() > rank) throw new IllegalStateException(site + ": constant of higher rank");
        Map<String, Value> memo = converted.computeIfAbsent(v, k -> new HashMap<>());
        String key = "b" + Perm.format(outPerm);
        Value done = memo.get(key);
        if (done != null) return done;
        int[] padded = new int[rank];
        int off = rank - t.shape().rank();
        for (int i = 0; i < rank; i++) padded[i] = i < off ? 1 : t.shape().dim(i - off);
        Shape physical = Perm.apply(Shape.of(padded), outPerm);
        int lead = 0;
        while (lead < rank - 1 && physical.dim(lead) == 1) lead++;
        Shape kept = Shape.of(java.util.Arrays.copyOfRange(physical.toArray(), lead, rank));
        // Only size-1 axes move: same bytes, new shape, no copy.
        Tensor data = Perm.onlyMovesUnitAxes(Shape.of(padded), outPerm)
                ? t.reshape(kept)
                : permute(t.reshape(Shape.of(padded)), outPerm).reshape(kept);
        String name = v.name();
        if (!kept.equals(t.shape())) {
            name = v.name() + "/" + (java.util.Arrays.equals(outPerm, Perm.NHWC) ? "nhwc" : "perm" + Perm.format(outPerm));
            constantsRelaid++;
        }
        Value c = v.isBuffer() || !v.isConstant() ? dst.addBuffer(name, data) : dst.addConstant(name, data);
        memo.put(key, c);
        return c;
    }

    static Tensor permute(Tensor t, int[] perm) {
        if (Perm.isIdentity(perm)) return t;
        NdArray a = ShapeOps.permute(NdArray.fromTensor(t), perm);
        Tensor r = a.toTensor();
        return r.dtype() == t.dtype() ? r : r.cast(t.dtype());
    }
}
