package dev.formwork.passes.layout;

import dev.formwork.ir.Node;
import dev.formwork.ir.Value;
import java.util.ArrayList;
import java.util.List;

/** Ops with axis attributes: the axes are renamed to where those logical axes sit physically. */
final class ReduceRules {
    private ReduceRules() {}

    /**
     * ReduceMean, ReduceSum, ReduceMax: work in any layout; without keepdims the output layout is
     * the input's with the reduced axes dropped.
     */
    static void reduce(Node n, LayoutContext cx) {
        Value x = n.input(0);
        int rank = x.shape().rank();
        int[] p = cx.perm(x), inv = Perm.inverse(p);
        boolean[] reduced = new boolean[rank];
        for (long a : n.ints("axes")) reduced[x.shape().axis((int) a)] = true;
        List<Integer> phys = new ArrayList<>();
        for (int a = 0; a < rank; a++) if (reduced[a]) phys.add(inv[a]);
        phys.sort(null);
        int[] axes = phys.stream().mapToInt(Integer::intValue).toArray();
        boolean keep = n.i("keepdims") != 0;
        int[] outPerm = p;
        if (!keep) {
            List<Integer> r = new ArrayList<>();
            for (int la : p) {
                if (reduced[la]) continue;
                int below = 0;
                for (int k = 0; k < la; k++) if (reduced[k]) below++;
                r.add(la - below);
            }
            outPerm = r.stream().mapToInt(Integer::intValue).toArray();
        }
        Value y = cx.emit(n.opType(), n.name(), n.attributes().with("axes", axes), cx.as(x, p, n.name()));
        cx.define(n.output(), y, outPerm);
    }

    /** TFLite's SOFTMAX only normalises the last axis, so the softmax axis must be physically last. */
    static void softmax(Node n, LayoutContext cx) {
        Value x = n.input(0);
        int rank = x.shape().rank();
        int axis = x.shape().axis((int) n.i("axis"));
        int[] p = cx.perm(x);
        if (p[rank - 1] != axis) {
            int[] pref = cx.preferred(x);
            if (pref[rank - 1] == axis) {
                p = pref;
            } else if (axis == rank - 1) {
                p = Perm.identity(rank);
            } else {
                int[] moved = new int[rank];
                int k = 0;
                for (int a : p) if (a != axis) moved[k++] = a;
                moved[rank - 1] = axis;
                p = moved;
            }
        }
        Value y = cx.emit("Softmax", n.name(), n.attributes().with("axis", -1), cx.as(x, p, n.name()));
        cx.define(n.output(), y, p);
    }

    /** LayerNorm normalises the trailing axes from {@code axis}: they must be physically trailing, in order. */
    static void layerNorm(Node n, LayoutContext cx) {
        Value x = n.input(0);
        int rank = x.shape().rank();
        int axis = x.shape().axis((int) n.i("axis"));
        int[] p = cx.perm(x);
        if (!trailingInPlace(p, axis)) p = trailingInPlace(cx.preferred(x), axis) ? cx.preferred(x) : Perm.identity(rank);
        Value[] ins = {cx.as(x, p, n.name()), cx.as(n.input(1), Perm.identity(n.input(1).shape().rank()), n.name()),
                cx.as(n.input(2), Perm.identity(n.input(2).shape().rank()), n.name())};
        cx.define(n.output(), cx.emit("LayerNorm", n.name(), n.attributes().with("axis", axis), ins), p);
    }

    private static boolean trailingInPlace(int[] p, int axis) {
        for (int i = axis; i < p.length; i++) if (p[i] != i) return false;
        return true;
    }
}
