package dev.formwork.passes;

import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.util.List;

/**
 * {@code eliminate-noops}: removes ops that compute their input, and merges chains of data
 * movement. Each rewrite returns bit-identical values:
 * <ul>
 *   <li>Identity; Reshape/Flatten to the input's own shape; Transpose by the identity perm; Split
 *       into one piece; Concat of one input: the input itself;</li>
 *   <li>Reshape/Flatten of a Reshape/Flatten: one Reshape of the first input to the final shape
 *       (reshapes only reinterpret the row-major order);</li>
 *   <li>Transpose of a Transpose: one Transpose by the composed perm (out axis i = inner perm
 *       [outer perm[i]]), or nothing when they cancel;</li>
 *   <li>Mul or Div by a constant of ones, Add or Sub of a constant of zeros, when the constant
 *       does not broadcast the result beyond the other operand's shape.</li>
 * </ul>
 * The Reshape and Transpose rules are {@link CancelDataMovement}'s, which applies them before
 * the rewrites too. A graph output keeps its name (see {@link Rewriter#replace}); an op that maps a graph input or
 * a constant straight to a graph output stays.
 */
public final class EliminateNoops implements Pass {
    @Override
    public String name() {
        return "eliminate-noops";
    }

    @Override
    public String purpose() {
        return "drops identity ops (same-shape Reshape, cancelling Transposes, x*1, x+0, Identity) and merges Reshape/Transpose chains";
    }

    @Override
    public boolean idempotent() {
        return true;
    }

    @Override
    public PassResult run(Graph g, PassContext ctx) {
        Rewriter rw = new Rewriter(g);
        for (Node n : List.copyOf(g.nodes())) {
            if (rw.live(n) && simplify(rw, n)) rw.rewrote();
        }
        return rw.finish(rw.rewrites() + " no-ops removed or merged");
    }

    private static boolean simplify(Rewriter rw, Node n) {
        switch (n.opType()) {
            case "Identity":
                return rw.replace(n, n.input(0));
            case "Split":
            case "Concat":
                return n.outputs().size() == 1 && n.inputCount() == 1 && rw.replace(n, n.input(0));
            case "Reshape":
            case "Flatten":
                return CancelDataMovement.mergeReshape(rw, n);
            case "Transpose":
                return CancelDataMovement.mergeTranspose(rw, n);
            case "Mul":
            case "Div":
                return dropConstantOperand(rw, n, 1f, n.is("Mul"));
            case "Add":
            case "Sub":
                return dropConstantOperand(rw, n, 0f, n.is("Add"));
            default:
                return false;
        }
    }

    /** x op c -> x when c is all {@code neutral}; {@code commutes} also allows c op x. */
    private static boolean dropConstantOperand(Rewriter rw, Node n, float neutral, boolean commutes) {
        for (int side = 1; side >= (commutes ? 0 : 1); side--) {
            Tensor c = Weights.constantOf(n.input(side));
            Value other = n.input(1 - side);
            if (c == null || other.isConstant() || !other.shape().equals(n.output().shape())) continue;
            if (other.dtype() != n.output().dtype() || !Weights.allEqual(c, neutral)) continue;
            return rw.replace(n, other);
        }
        return false;
    }
}
