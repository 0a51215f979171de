package dev.formwork.exporters.tflite;

import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.PadOptions;

/** Shared bits of the spatial lowerings: the NHWC precondition and explicit padding. */
final class Layout {
    private Layout() {}

    /** Spatial ops must have been laid out NHWC by the layout pass. */
    static void requireNhwc(Node n) {
        if (!"NHWC".equals(n.s("layout"))) {
            throw LoweringContext.refuse(n, "layout " + n.s("layout") + "; TFLite is NHWC, run the layout pass (ToNhwcLayout) first");
        }
    }

    /** PAD with zeros, [[0,0],[top,bottom],[left,right],[0,0]] on an NHWC tensor. */
    static int pad(LoweringContext cx, int in, int[] tlbr, String name) {
        Shape s = cx.shape(in);
        int paddings = cx.int32(name + "/paddings", Shape.of(4, 2), 0, 0, tlbr[0], tlbr[2], tlbr[1], tlbr[3], 0, 0);
        Shape out = Shape.of(s.dim(0), s.dim(1) + tlbr[0] + tlbr[2], s.dim(2) + tlbr[1] + tlbr[3], s.dim(3));
        int t = cx.intermediate(name, out);
        cx.op(BuiltinOperator.PAD, 1, new int[] {in, paddings}, new int[] {t}, BuiltinOptions.PadOptions, b -> {
            PadOptions.startPadOptions(b);
            return PadOptions.endPadOptions(b);
        });
        return t;
    }
}
