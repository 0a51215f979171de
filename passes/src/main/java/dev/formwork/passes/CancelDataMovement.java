package dev.formwork.passes;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Value;
import java.util.List;

/**
 * {@code cancel-data-movement}: removes the data movement an exporter leaves in pairs, before
 * the recovery passes look for their patterns. Each rewrite moves no element to another place in
 * row-major order, so values are bit-identical:
 * <ul>
 *   <li>a Transpose that only moves size-1 axes (the other axes keep their order) is a Reshape
 *       (torch's {@code unsqueeze(1).transpose(1, 2)}, a [B,1,N] to [B,N,1] flip);</li>
 *   <li>a Reshape/Flatten of a Reshape/Flatten is one Reshape of the first input to the final
 *       shape, or nothing when that is the input's own shape; a Reshape to its input's shape is
 *       nothing;</li>
 *   <li>a Transpose of a Transpose is one Transpose by the composed perm, or nothing when they
 *       cancel; a Transpose by the identity perm is nothing.</li>
 * </ul>
 * Nodes are visited in order, so a Transpose turned into a Reshape merges with the Reshapes around
 * it. The merge rules are shared with eliminate-noops, which applies them again after the rewrites.
 */
public final class CancelDataMovement implements Pass {
    @Override
    public String name() {
        return "cancel-data-movement";
    }

    @Override
    public String purpose() {
        return "cancels Reshape/Transpose pairs: merges chains, drops identities, turns size-1-axis Transposes into Reshapes";
    }

    @Override
    public boolean idempotent() {
        return true;
    }

    @Override
    public PassResult run(Graph g, PassContext ctx) {
        Rewriter rw = new Rewriter(g);
        for (Node n : List.copyOf(g.nodes())) {
            if (!rw.live(n)) continue;
            boolean changed = switch (n.opType()) {
                case "Reshape", "Flatten" -> mergeReshape(rw, n);
                case "Transpose" -> mergeTranspose(rw, n) || (!identity(n.intArray("perm")) && movesOnlyUnitAxes(n) && toReshape(rw, n));
                default -> false;
            };
            if (changed) rw.rewrote();
        }
        return rw.finish(rw.rewrites() + " reshapes/transposes merged or removed");
    }

    /** Reshape/Flatten to the input's shape: dropped; of a Reshape/Flatten: one Reshape (or nothing). */
    static boolean mergeReshape(Rewriter rw, Node n) {
        Value x = n.input(0);
        if (x.shape().equals(n.output().shape())) return rw.replace(n, x);
        Node p = x.producer();
        if (p == null || !(p.is("Reshape") || p.is("Flatten"))) return false;
        Value src = p.input(0);
        if (src.shape().equals(n.output().shape())) return rw.replace(n, src);
        rw.rebuild(n, "Reshape", List.of(src), Attributes.of("shape", n.output().shape().toLongArray()));
        return true;
    }

    /** Transpose of a Transpose: one Transpose by the composed perm (out axis i = inner[outer[i]]) or nothing; identity perm: dropped. */
    static boolean mergeTranspose(Rewriter rw, Node n) {
        int[] perm = n.intArray("perm");
        Value x = n.input(0);
        Node p = x.producer();
        if (p != null && p.is("Transpose")) {
            int[] inner = p.intArray("perm");
            int[] composed = new int[perm.length];
            for (int i = 0; i < perm.length; i++) composed[i] = inner[perm[i]];
            x = p.input(0);
            perm = composed;
            if (!identity(perm)) {
                rw.rebuild(n, "Transpose", List.of(x), n.attributes().with("perm", perm));
                return true;
            }
        }
        return identity(perm) && rw.replace(n, x);
    }

    static boolean identity(int[] perm) {
        for (int i = 0; i < perm.length; i++) if (perm[i] != i) return false;
        return true;
    }

    /** True when the axes of size > 1 appear in the output in their input order. */
    static boolean movesOnlyUnitAxes(Node t) {
        int[] perm = t.intArray("perm");
        Shape in = t.input(0).shape();
        int prev = -1;
        for (int axis : perm) {
            if (in.dim(axis) == 1) continue;
            if (axis < prev) return false;
            prev = axis;
        }
        return true;
    }

    /** The Transpose as a Reshape to its output shape, merged with a Reshape before it. */
    private static boolean toReshape(Rewriter rw, Node t) {
        Node r = rw.rebuild(t, "Reshape", List.of(t.input(0)), Attributes.of("shape", t.output().shape().toLongArray()));
        mergeReshape(rw, r);
        return true;
    }
}
