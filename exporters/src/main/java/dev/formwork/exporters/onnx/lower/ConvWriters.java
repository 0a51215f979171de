package dev.formwork.exporters.onnx.lower;

import dev.formwork.exporters.onnx.OnnxAttrs;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Conv: ONNX Conv has the IR's weight layout [O, C/group, kH, kW] and pad order [top, left, bottom, right]. */
final class ConvWriters {
    private ConvWriters() {}

    static void register(Map<String, OpWriter> t) {
        t.put("Conv", ConvWriters::conv);
    }

    static void conv(Node n, Emit e) {
        Shape w = n.input(1).shape();
        List<String> ins = new ArrayList<>(List.of(e.in(0), e.in(1)));
        if (e.hasInput(2)) ins.add(e.in(2));
        e.result("Conv", ins,
                OnnxAttrs.ints("kernel_shape", w.dim(2), w.dim(3)),
                OnnxAttrs.ints("strides", n.ints("strides")),
                OnnxAttrs.ints("pads", n.ints("pads")),
                OnnxAttrs.ints("dilations", n.ints("dilations")),
                OnnxAttrs.i("group", n.i("groups")));
    }
}
