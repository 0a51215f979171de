package dev.formwork.passes.layout;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Value;
import java.util.Arrays;

/**
 * Ops that move data without arithmetic. A Transpose never survives as such: it only changes
 * which logical axis each physical axis holds. Reshapes stay reshapes of the bytes whenever the
 * axes they merge or split are contiguous in the physical layout (V1's Flat [B,C,H,W] ->
 * [B,C,HW] on an NHWC map is a plain reshape to [B,HW,C], which the following transpose(1,2)
 * then reads as [B,N,C]); only when they are not does the input have to move.
 */
final class ShapeRules {
    private ShapeRules() {}

    /** Transpose(x, t): no node; the output is x's bytes read under a composed layout. */
    static void transpose(Node n, LayoutContext cx) {
        LayoutContext.Laid x = cx.laid(n.input(0));
        cx.define(n.output(), x.value(), Perm.absorb(x.perm(), n.intArray("perm")));
    }

    /** Reshape and Flatten: a reshape of the physical bytes, moving the input first only if it must. */
    static void reshape(Node n, LayoutContext cx) {
        Value x = n.input(0), out = n.output();
        ReshapeGroups groups = ReshapeGroups.of(x.shape(), out.shape());
        int[] p = cx.perm(x);
        int[] preferred = cx.preferred(out);
        int[] q = groups.outputLayout(p, preferred);
        Value in;
        if (q != null) {
            in = cx.laid(x).value();
        } else {
            int[] target = null;
            for (int[] cand : new int[][] {preferred, Perm.identity(out.shape().rank())}) {
                target = groups.inputLayoutFor(cand);
                if (target != null) {
                    q = cand;
                    break;
                }
            }
            if (target == null) throw new IllegalStateException("no layout for reshape " + n.name());
            in = cx.as(x, target, n.name());
        }
        Shape phys = Perm.apply(out.shape(), q);
        if (in.shape().equals(phys)) {
            cx.define(out, in, q);
            return;
        }
        cx.define(out, cx.emit("Reshape", n.name(), Attributes.of("shape", phys.toArray()), in), q);
    }

    static void split(Node n, LayoutContext cx) {
        LayoutContext.Laid x = cx.laid(n.input(0));
        int axis = Perm.inverse(x.perm())[n.input(0).shape().axis((int) n.i("axis"))];
        Node m = cx.emitNode("Split", n.name(), java.util.List.of(x.value()), n.attributes().with("axis", axis));
        for (int i = 0; i < n.outputs().size(); i++) cx.define(n.output(i), m.output(i), x.perm());
    }

    static void slice(Node n, LayoutContext cx) {
        LayoutContext.Laid x = cx.laid(n.input(0));
        int[] inv = Perm.inverse(x.perm());
        long[] axes = n.ints("axes");
        for (int i = 0; i < axes.length; i++) axes[i] = inv[n.input(0).shape().axis((int) axes[i])];
        Value y = cx.emit("Slice", n.name(), n.attributes().with("axes", axes), x.value());
        cx.define(n.output(), y, x.perm());
    }

    /** All inputs in one layout: the preferred one if some input has it, else the first computed input's. */
    static void concat(Node n, LayoutContext cx) {
        Value out = n.output();
        int[] layout = null;
        for (Value v : n.inputs()) {
            if (cx.isConstant(v)) continue;
            if (layout == null || Arrays.equals(cx.perm(v), cx.preferred(out))) layout = cx.perm(v);
        }
        if (layout == null) layout = Perm.identity(out.shape().rank());
        Value[] ins = new Value[n.inputCount()];
        for (int i = 0; i < ins.length; i++) ins[i] = cx.as(n.input(i), layout, n.name());
        int axis = Perm.inverse(layout)[out.shape().axis((int) n.i("axis"))];
        cx.define(out, cx.emit("Concat", n.name(), n.attributes().with("axis", axis), ins), layout);
    }
}
