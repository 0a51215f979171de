package dev.formwork.exporters.coreml.mil;

import dev.formwork.exporters.coreml.CoreMlSettings;
import dev.formwork.ir.Node;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import java.util.Map;

/**
 * Resize (bilinear, half-pixel) -> {@code upsample_bilinear} with align_corners = false. In the
 * iOS 15 definition that already samples at {@code (i + 0.5) * in/out - 0.5}, clamped, which is
 * half-pixel; iOS 16 added {@code half_pixel_centers} (defaulting to !align_corners), which is
 * then passed explicitly. The op derives its spacing from the output size (in/out), so the
 * lowering refuses a scale whose output size is not exactly in * scale.
 */
final class ResizeLowering {
    private ResizeLowering() {}

    static void register(Map<String, MilLowering> t) {
        t.put("Resize", MilLowering.of(ResizeLowering::resize, ResizeLowering::check));
    }

    static void check(Node n, CoreMlSettings s) {
        MilLowerings.nchwOnly(n);
        double[] sc = n.floats("scales");
        int[] in = MilLowerings.shape(n.input(0)), out = MilLowerings.shape(n.output());
        for (int i = 0; i < 2; i++) {
            if (Math.abs(in[2 + i] * sc[i] - out[2 + i]) > 1e-9) {
                throw MilContext.refuse(n, "scale " + sc[i] + " does not map " + in[2 + i] + " pixels to a whole number; upsample_bilinear would resample differently");
            }
        }
    }

    static void resize(Node n, MilContext c) {
        DataType t = c.computeType(n);
        double[] sc = n.floats("scales");
        MilOp op = c.op("upsample_bilinear", n).in("x", c.input(n, 0, t))
                .scalar("scale_factor_height", (float) sc[0], DataType.FLOAT32)
                .scalar("scale_factor_width", (float) sc[1], DataType.FLOAT32)
                .bool("align_corners", false);
        if (c.ios() >= 16) op.bool("half_pixel_centers", true);
        c.bind(n, 0, op.emit(t, MilLowerings.shape(n.output())));
    }
}
