package dev.formwork.passes.layout;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Value;
import java.util.Arrays;

/** Elementwise ops work in any layout, as long as all operands share it. */
final class ElementwiseRules {
    private ElementwiseRules() {}

    static void unary(Node n, LayoutContext cx) {
        LayoutContext.Laid x = cx.laid(n.input(0));
        cx.define(n.output(), cx.emit(n.opType(), n.name(), n.attributes(), x.value()), x.perm());
    }

    /** Identity disappears: its output is its input. */
    static void identity(Node n, LayoutContext cx) {
        LayoutContext.Laid x = cx.laid(n.input(0));
        cx.define(n.output(), x.value(), x.perm());
    }

    /**
     * The output takes the layout of a full-rank computed operand, the preferred one when the
     * operands disagree (so a residual add of an NHWC map and anything else stays NHWC); other
     * computed operands are converted and constants re-laid to broadcast in that layout.
     */
    static void binary(Node n, LayoutContext cx) {
        Value out = n.output();
        int rank = out.shape().rank();
        int[] layout = null;
        int[] preferred = cx.preferred(out);
        for (Value v : n.inputs()) {
            if (cx.isConstant(v) || v.shape().rank() != rank) continue;
            int[] p = cx.perm(v);
            if (layout == null || Arrays.equals(p, preferred)) layout = p;
        }
        if (layout == null) layout = Perm.identity(rank);
        Value[] ins = new Value[n.inputCount()];
        for (int i = 0; i < ins.length; i++) {
            Value v = n.input(i);
            if (cx.isConstant(v)) ins[i] = cx.broadcastConstant(v, layout, n.name());
            else if (v.shape().rank() == rank) ins[i] = cx.as(v, layout, n.name());
            else ins[i] = padded(v, layout, n, cx);
        }
        cx.define(out, cx.emit(n.opType(), n.name(), n.attributes(), ins), layout);
    }

    /** A computed operand of lower rank: NumPy-pad it with leading 1s, then lay it out like the output. */
    private static Value padded(Value v, int[] layout, Node n, LayoutContext cx) {
        int rank = layout.length;
        Value logical = cx.as(v, Perm.identity(v.shape().rank()), n.name());
        int[] d = new int[rank];
        int off = rank - v.shape().rank();
        for (int i = 0; i < rank; i++) d[i] = i < off ? 1 : v.shape().dim(i - off);
        Value full = cx.emit("Reshape", n.name() + "/broadcast", Attributes.of("shape", d), logical);
        int[] q = layout; // full is logical (identity), so the transpose perm is the layout itself
        if (Perm.onlyMovesUnitAxes(Shape.of(d), q)) {
            return cx.emit("Reshape", n.name() + "/relayout", Attributes.of("shape", Perm.apply(Shape.of(d), layout).toArray()), full);
        }
        return cx.emit("Transpose", n.name() + "/transpose", Attributes.of("perm", q), full);
    }
}
