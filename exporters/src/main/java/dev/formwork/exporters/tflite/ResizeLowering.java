package dev.formwork.exporters.tflite;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.ResizeBilinearOptions;

/**
 * Resize (bilinear, half-pixel, NHWC) -> RESIZE_BILINEAR with half_pixel_centers=true and
 * align_corners=false (PyTorch's align_corners=False), version 3. TFLite derives its scale from
 * the sizes (in/out), so the IR's scale must give an exact integer output size.
 */
final class ResizeLowering implements OpLowering {
    @Override
    public void check(Node n, ExportOptions options) {
        double[] sc = n.floats("scales");
        Shape x = n.input(0).shape();
        boolean nhwc = "NHWC".equals(n.s("layout"));
        int h = nhwc ? x.dim(1) : x.dim(2), w = nhwc ? x.dim(2) : x.dim(3);
        if (h * sc[0] != Math.floor(h * sc[0]) || w * sc[1] != Math.floor(w * sc[1])) {
            throw LoweringContext.refuse(n, "scales " + java.util.Arrays.toString(sc) + " do not give whole output sizes; RESIZE_BILINEAR takes sizes");
        }
    }

    @Override
    public void lower(Node n, LoweringContext cx) {
        Layout.requireNhwc(n);
        Shape y = n.output().shape();
        int size = cx.int32(n.name() + "/size", y.dim(1), y.dim(2));
        cx.op(BuiltinOperator.RESIZE_BILINEAR, OpVersions.RESIZE_HALF_PIXEL, new int[] {cx.tensor(n.input(0)), size},
                new int[] {cx.tensor(n.output())}, BuiltinOptions.ResizeBilinearOptions,
                b -> ResizeBilinearOptions.createResizeBilinearOptions(b, false, true));
    }
}
