package dev.formwork.exporters.tflite;

import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.PadOptions;
import org.tensorflow.lite.schema.PadV2Options;

/** Shared bits of the spatial lowerings: the NHWC precondition and explicit padding (zeros, or a given value). */
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
        return padWith(cx, in, tlbr, null, name);
    }

    /** PADV2 with {@code value} (max pooling pads with -inf so padding never wins), the same geometry. */
    static int pad(LoweringContext cx, int in, int[] tlbr, float value, String name) {
        return padWith(cx, in, tlbr, value, name);
    }

    private static int padWith(LoweringContext cx, int in, int[] tlbr, Float value, String name) {
        Shape s = cx.shape(in);
        int paddings = cx.int32(name + "/paddings", Shape.of(4, 2), 0, 0, tlbr[0], tlbr[2], tlbr[1], tlbr[3], 0, 0);
        Shape out = Shape.of(s.dim(0), s.dim(1) + tlbr[0] + tlbr[2], s.dim(2) + tlbr[1] + tlbr[3], s.dim(3));
        int fill = value == null ? -1 : cx.constant(name + "/value", ElementwiseLowering.scalar(value));
        int t = cx.intermediate(name, out);
        if (value == null) {
            cx.op(BuiltinOperator.PAD, 1, new int[] {in, paddings}, new int[] {t}, BuiltinOptions.PadOptions, b -> {
                PadOptions.startPadOptions(b);
                return PadOptions.endPadOptions(b);
            });
        } else {
            cx.op(BuiltinOperator.PADV2, 1, new int[] {in, paddings, fill}, new int[] {t}, BuiltinOptions.PadV2Options, b -> {
                PadV2Options.startPadV2Options(b);
                return PadV2Options.endPadV2Options(b);
            });
        }
        return t;
    }
}
