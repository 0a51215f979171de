package dev.formwork.passes.layout;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Local clean-ups of the Transposes the layout rewrite inserted, run to a fixed point:
 *
 * <ul>
 *   <li>a Split whose every output is read only by Transposes with one and the same perm is
 *       turned into one Transpose before the Split (V1's q/k/v all need [B,N,h,d] -> [B,h,N,d]:
 *       three transposes become one, the head split the attention math needs);
 *   <li>Transpose(Transpose(x)) composes into one (unless the outer one is a BATCH_MATMUL adj
 *       marker, which must stay a bare swap for the writer to fold it);
 *   <li>a Transpose that only moves size-1 axes becomes a Reshape, and an identity one goes.
 * </ul>
 * Each rewrite keeps the values bit-identical: only the order of copies changes.
 */
final class TransposeCleanup {
    private TransposeCleanup() {}

    static void run(Graph g) {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Node n : new ArrayList<>(g.nodes())) {
                if (n.graph() != g) continue;
                if (n.is("Split")) changed |= hoistOverSplit(g, n);
                else if (n.is("Transpose")) changed |= simplify(g, n);
            }
        }
    }

    private static boolean hoistOverSplit(Graph g, Node split) {
        int[] q = null;
        List<Node> readers = new ArrayList<>();
        for (Value out : split.outputs()) {
            if (out.users().isEmpty() || g.outputs().contains(out)) return false;
            for (Value.Use u : out.users()) {
                Node t = u.node();
                if (!t.is("Transpose") || isAdjMarker(g, t)) return false;
                int[] p = t.intArray("perm");
                if (q == null) q = p;
                else if (!Arrays.equals(q, p)) return false;
                if (!readers.contains(t)) readers.add(t);
            }
        }
        int axis = (int) split.i("axis");
        int newAxis = Perm.inverse(q)[axis];
        Value moved = g.apply("Transpose", split.name() + "/transpose", Attributes.of("perm", q), split.input(0));
        Node heads = g.add("Split", split.name() + "/moved", List.of(moved), split.attributes().with("axis", newAxis));
        for (Node t : readers) {
            int slot = split.outputs().indexOf(t.input(0));
            g.replaceAllUses(t.output(), heads.output(slot));
            g.remove(t);
        }
        g.remove(split);
        return true;
    }

    private static boolean simplify(Graph g, Node t) {
        int[] q = t.intArray("perm");
        Value x = t.input(0);
        Node inner = x.producer();
        if (inner != null && inner.is("Transpose") && !isAdjMarker(g, t)) {
            int[] q1 = inner.intArray("perm");
            int[] c = new int[q.length];
            for (int i = 0; i < q.length; i++) c[i] = q1[q[i]];
            Value y = g.apply("Transpose", t.name() + "/composed", Attributes.of("perm", c), inner.input(0));
            replace(g, t, y);
            return true;
        }
        if (Perm.isIdentity(q)) {
            replace(g, t, x);
            return true;
        }
        if (Perm.onlyMovesUnitAxes(x.shape(), q) && !isAdjMarker(g, t)) {
            Value y = g.apply("Reshape", t.name() + "/reshape", Attributes.of("shape", t.output().shape().toArray()), x);
            replace(g, t, y);
            return true;
        }
        return false;
    }

    private static void replace(Graph g, Node t, Value by) {
        g.replaceAllUses(t.output(), by);
        g.remove(t);
    }

    /**
     * A Transpose swapping the last two axes whose every reader is a MatMul: BATCH_MATMUL's
     * adj_x / adj_y do the swap, so writers for targets with such flags emit no TRANSPOSE for it.
     */
    static boolean isAdjMarker(Graph g, Node t) {
        if (!t.is("Transpose") || !Perm.isSwapLastTwo(t.intArray("perm"))) return false;
        Value out = t.output();
        if (out.users().isEmpty() || g.outputs().contains(out)) return false;
        for (Value.Use u : out.users()) if (!u.node().is("MatMul")) return false;
        return true;
    }
}
