package dev.formwork.passes;

import dev.formwork.ir.Node;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;

/**
 * Matching helpers for the passes that recover ops from an exporter's decomposition (the
 * {@code recover-*} passes): constant operands of binary nodes, and the single-use chain links
 * they walk. A link is only rewritten when nothing else reads it, so removing it cannot change
 * another consumer.
 */
final class Patterns {
    private Patterns() {}

    /** The float value of a one-element float constant (seen through Reshape/Identity), or null (also for null). */
    static Double scalar(Value v) {
        Tensor t = v == null ? null : Weights.constantOf(v);
        if (t == null || !t.dtype().isFloat() || t.numel() != 1) return null;
        return (double) t.getFloat(0);
    }

    /** True when {@code v} is a one-element constant exactly equal to {@code x}. */
    static boolean isScalar(Value v, double x) {
        Double s = scalar(v);
        return s != null && s == x;
    }

    /**
     * True when {@code v} is a one-element constant within one float32 ulp of {@code x}: the
     * constant an exporter wrote for an irrational factor (sqrt 2 as 1.4142135).
     */
    static boolean isScalarNear(Value v, double x) {
        Double s = scalar(v);
        return s != null && Math.abs(s - x) <= Math.ulp((float) x);
    }

    /**
     * For binary node {@code n} with {@code x} at one input: the other input when {@code n} is an
     * {@code op} node and its result has x's shape (a constant operand does not broadcast it), else
     * null. For Sub and Div only x at input 0 matches.
     */
    static Value other(Node n, String op, Value x) {
        if (n == null || !n.is(op) || !n.output().shape().equals(x.shape())) return null;
        boolean commutes = op.equals("Add") || op.equals("Mul");
        if (n.input(0) == x && n.input(1) != x) return n.input(1);
        if (commutes && n.input(1) == x && n.input(0) != x) return n.input(0);
        return null;
    }

    /** The sole reader of {@code v} when it is an {@code op} node, else null (see {@link Rewriter#soleUser}). */
    static Node soleUser(Rewriter rw, Value v, String op) {
        Node u = rw.soleUser(v);
        return u != null && u.is(op) ? u : null;
    }
}
