package dev.formwork.passes.layout;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Node;
import dev.formwork.ir.Value;
import java.util.Arrays;

/**
 * Matrix products need the batch axes first, in logical order, and the two matrix axes last.
 *
 * <p>An operand whose matrix axes are swapped ([.., K, M] physically) is accepted as it is and
 * marked with a Transpose that swaps the last two axes right before the MatMul: the IR has no
 * transpose flags, but the TFLite writer folds exactly that Transpose into BATCH_MATMUL's
 * adj_x / adj_y, so it never reaches the file. That is how K^T costs nothing: V1's k and V2's k
 * are stored [B,h,N,d] and read with adj_y. When an operand has to move anyway, the target that
 * keeps the innermost axis in place is chosen (a row-block copy, the same permutation the other
 * head-split operands need, which lets TransposeCleanup hoist them above the qkv Split).
 */
final class MatMulRules {
    private MatMulRules() {}

    static void matMul(Node n, LayoutContext cx) {
        Value a = operand(n, 0, cx), b = operand(n, 1, cx);
        Value out = cx.emit("MatMul", n.name(), Attributes.EMPTY, a, b);
        cx.define(n.output(), out, Perm.identity(n.output().shape().rank()));
    }

    private static Value operand(Node n, int slot, LayoutContext cx) {
        Value v = n.input(slot);
        int rank = v.shape().rank();
        int[] plain = Perm.identity(rank), swapped = Perm.swapLastTwo(rank);
        if (cx.isConstant(v)) return cx.constantAs(v, plain);
        int[] p = cx.perm(v);
        String site = n.name() + (slot == 0 ? "/a" : "/b");
        if (Arrays.equals(p, plain)) return cx.laid(v).value();
        if (Arrays.equals(p, swapped)) return adj(cx.laid(v).value(), n, slot, cx);
        int[] q1 = Perm.between(p, plain), q2 = Perm.between(p, swapped);
        var phys = cx.laid(v).value().shape();
        boolean free1 = Perm.onlyMovesUnitAxes(phys, q1), free2 = Perm.onlyMovesUnitAxes(phys, q2);
        boolean keeps1 = q1[rank - 1] == rank - 1, keeps2 = q2[rank - 1] == rank - 1;
        boolean useSwapped = !free1 && (free2 || (keeps2 && !keeps1));
        if (!useSwapped) return cx.as(v, plain, site);
        return adj(cx.as(v, swapped, site), n, slot, cx);
    }

    /** The marker Transpose the TFLite writer turns into adj_x (slot 0) or adj_y (slot 1). */
    private static Value adj(Value physical, Node n, int slot, LayoutContext cx) {
        int[] swap = Perm.swapLastTwo(physical.shape().rank());
        return cx.emit("Transpose", n.name() + (slot == 0 ? "/adj_x" : "/adj_y"), Attributes.of("perm", swap), physical);
    }

    /** Linear reads the last axis; the other axes pass through, so any layout that keeps the last axis last works. */
    static void linear(Node n, LayoutContext cx) {
        Value x = n.input(0);
        int rank = x.shape().rank();
        int[] p = cx.isConstant(x) ? Perm.identity(rank) : cx.perm(x);
        if (p[rank - 1] != rank - 1) {
            int[] pref = cx.preferred(x);
            p = pref[rank - 1] == rank - 1 ? pref : Perm.identity(rank);
        }
        Value[] ins = new Value[n.inputCount()];
        ins[0] = cx.as(x, p, n.name());
        for (int i = 1; i < ins.length; i++) ins[i] = cx.as(n.input(i), Perm.identity(n.input(i).shape().rank()), n.name());
        cx.define(n.output(), cx.emit("Linear", n.name(), Attributes.EMPTY, ins), p);
    }
}
