package dev.formwork.exporters.onnx.lower;

import dev.formwork.exporters.onnx.OnnxAttrs;
import dev.formwork.ir.Node;
import java.util.List;
import java.util.Map;

/**
 * Bilinear resize with half-pixel centres (PyTorch align_corners=False). ONNX Resize takes
 * X, roi, scales: roi is left empty (it only matters for tf_crop_and_resize) and the scales,
 * which ONNX wants for every axis and always as float32, are [1, 1, sH, sW].
 */
final class ResizeWriters {
    private ResizeWriters() {}

    static void register(Map<String, OpWriter> t) {
        t.put("Resize", ResizeWriters::resize);
    }

    static void resize(Node n, Emit e) {
        double[] s = n.floats("scales");
        String scales = e.float32s("scales", 1f, 1f, (float) s[0], (float) s[1]);
        e.result("Resize", List.of(e.in(0), "", scales),
                OnnxAttrs.s("mode", "linear"),
                OnnxAttrs.s("coordinate_transformation_mode", "half_pixel"));
    }
}
