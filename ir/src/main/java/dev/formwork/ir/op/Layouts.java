package dev.formwork.ir.op;

import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.interp.NdArray;

/**
 * The {@code layout} attribute of 4-D spatial ops. The IR is NCHW like the checkpoints; a
 * layout pass for NHWC targets sets {@code layout = "NHWC"} on these ops (activations become
 * [N,H,W,C]; weights keep their checkpoint layout, exporters re-lay them). The reference kernels
 * compute NHWC by permuting to NCHW and back: slow, but it lets the interpreter certify the
 * layout pass like any other rewrite.
 */
final class Layouts {
    static final String ATTR = "layout";
    private static final int[] TO_NCHW = {0, 3, 1, 2};
    private static final int[] TO_NHWC = {0, 2, 3, 1};

    private Layouts() {}

    static void declare(OpDef op) {
        op.attr(ATTR, AttrType.STRING, "NCHW", "activation layout: NCHW, or NHWC after the layout pass");
    }

    static boolean nhwc(Node node) {
        String l = node.s(ATTR);
        if (l.equals("NHWC")) return true;
        if (l.equals("NCHW")) return false;
        throw OpDef.error(node, "unknown layout " + l);
    }

    /** The NCHW view of a shape given in the node's layout. */
    static Shape toNchw(Node node, Shape s) {
        if (!nhwc(node) || s.rank() != 4) return s;
        return Shape.of(s.dim(0), s.dim(3), s.dim(1), s.dim(2));
    }

    /** A shape computed in NCHW, expressed in the node's layout. */
    static Shape fromNchw(Node node, Shape s) {
        if (!nhwc(node) || s.rank() != 4) return s;
        return Shape.of(s.dim(0), s.dim(2), s.dim(3), s.dim(1));
    }

    static NdArray inNchw(Node node, NdArray a) {
        return nhwc(node) && a.rank() == 4 ? ShapeOps.permute(a, TO_NCHW) : a;
    }

    static NdArray outOfNchw(Node node, NdArray a) {
        return nhwc(node) && a.rank() == 4 ? ShapeOps.permute(a, TO_NHWC) : a;
    }
}
