package dev.formwork.passes.layout;

import dev.formwork.ir.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * How a reshape maps input axes to output axes: the finest partition of the non-unit axes of
 * both shapes into consecutive groups with equal products ([B,C,H,W] -> [B,C,H*W] is
 * {B}->{B}, {C}->{C}, {H,W}->{HW}). A reshape of a permuted tensor is still a plain reshape
 * of its bytes exactly when every input group sits contiguously, in order, in the physical
 * layout; the groups then say where each output axis lands. Unit axes carry no bytes and go
 * wherever the caller likes.
 */
final class ReshapeGroups {
    /** One group: input axes and output axes (logical indices, ascending). */
    record Group(int[] in, int[] out) {}

    private final Shape in;
    private final Shape out;
    private final List<Group> groups;

    private ReshapeGroups(Shape in, Shape out, List<Group> groups) {
        this.in = in;
        this.out = out;
        this.groups = groups;
    }

    static ReshapeGroups of(Shape in, Shape out) {
        List<Integer> ia = nonUnit(in), ib = nonUnit(out);
        List<Group> groups = new ArrayList<>();
        int i = 0, j = 0;
        while (i < ia.size() || j < ib.size()) {
            List<Integer> ga = new ArrayList<>(), gb = new ArrayList<>();
            long pa = 1, pb = 1;
            do {
                if (pa <= pb && i < ia.size()) {
                    ga.add(ia.get(i));
                    pa *= in.dim(ia.get(i++));
                } else if (j < ib.size()) {
                    gb.add(ib.get(j));
                    pb *= out.dim(ib.get(j++));
                } else {
                    throw new IllegalArgumentException("reshape " + in + " -> " + out + " changes the element count");
                }
            } while (pa != pb);
            groups.add(new Group(toArray(ga), toArray(gb)));
        }
        return new ReshapeGroups(in, out, groups);
    }

    /**
     * The output layout when the input is laid out as {@code p}, or null when the input groups are
     * not contiguous in that layout (then the data must move first). {@code preferred} is used
     * when it orders the non-unit output axes the same way.
     */
    int[] outputLayout(int[] p, int[] preferred) {
        List<Integer> physIn = new ArrayList<>();
        for (int a : p) if (in.dim(a) != 1) physIn.add(a);
        List<Integer> order = new ArrayList<>();
        int k = 0;
        while (k < physIn.size()) {
            Group g = groupOfIn(physIn.get(k));
            for (int a : g.in) {
                if (k >= physIn.size() || physIn.get(k) != a) return null;
                k++;
            }
            for (int b : g.out) order.add(b);
        }
        return complete(order, out, preferred);
    }

    /**
     * The input layout that makes the output come out as {@code q}, or null when q splits an
     * output group.
     */
    int[] inputLayoutFor(int[] q) {
        List<Integer> physOut = new ArrayList<>();
        for (int b : q) if (out.dim(b) != 1) physOut.add(b);
        List<Integer> order = new ArrayList<>();
        int k = 0;
        while (k < physOut.size()) {
            Group g = groupOfOut(physOut.get(k));
            for (int b : g.out) {
                if (k >= physOut.size() || physOut.get(k) != b) return null;
                k++;
            }
            for (int a : g.in) order.add(a);
        }
        return complete(order, in, null);
    }

    private Group groupOfIn(int axis) {
        for (Group g : groups) for (int a : g.in) if (a == axis) return g;
        throw new IllegalStateException("axis " + axis + " in no group");
    }

    private Group groupOfOut(int axis) {
        for (Group g : groups) for (int b : g.out) if (b == axis) return g;
        throw new IllegalStateException("axis " + axis + " in no group");
    }

    /**
     * A full permutation with the non-unit axes in {@code order}: {@code preferred} when it agrees
     * on them, else unit axes placed right after their logical predecessor.
     */
    static int[] complete(List<Integer> order, Shape s, int[] preferred) {
        if (preferred != null && preferred.length == s.rank()) {
            List<Integer> pn = new ArrayList<>();
            for (int a : preferred) if (s.dim(a) != 1) pn.add(a);
            if (pn.equals(order)) return preferred.clone();
        }
        List<Integer> perm = new ArrayList<>(order);
        for (int u = 0; u < s.rank(); u++) {
            if (s.dim(u) != 1) continue;
            int at = u == 0 ? 0 : perm.indexOf(u - 1) + 1;
            perm.add(at, u);
        }
        return toArray(perm);
    }

    private static List<Integer> nonUnit(Shape s) {
        List<Integer> r = new ArrayList<>();
        for (int i = 0; i < s.rank(); i++) if (s.dim(i) != 1) r.add(i);
        return r;
    }

    private static int[] toArray(List<Integer> l) {
        int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = l.get(i);
        return a;
    }
}
