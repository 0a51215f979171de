package dev.formwork.exporters.onnx.lower;

import dev.formwork.exporters.onnx.OnnxAttrs;
import dev.formwork.ir.Node;
import java.util.List;
import java.util.Map;

/**
 * AveragePool. count_include_pad is always written: ONNX's default (0) is PyTorch's
 * count_include_pad=False, the opposite of PyTorch's own default, so spelling it out keeps a
 * reader from guessing.
 */
final class PoolWriters {
    private PoolWriters() {}

    static void register(Map<String, OpWriter> t) {
        t.put("AveragePool", PoolWriters::averagePool);
        t.put("MaxPool", PoolWriters::maxPool);
    }

    static void averagePool(Node n, Emit e) {
        e.result("AveragePool", List.of(e.in(0)),
                OnnxAttrs.ints("kernel_shape", n.ints("kernel")),
                OnnxAttrs.ints("strides", n.ints("strides")),
                OnnxAttrs.ints("pads", n.ints("pads")),
                OnnxAttrs.i("count_include_pad", n.i("count_include_pad")));
    }

    /** MaxPool; the IR's empty strides/pads/dilations mean ONNX's defaults, so they are left out. */
    static void maxPool(Node n, Emit e) {
        List<dev.formwork.proto.onnx.OnnxProto.AttributeProto> a = new java.util.ArrayList<>();
        a.add(OnnxAttrs.ints("kernel_shape", n.ints("kernel")));
        for (String name : List.of("strides", "pads", "dilations")) {
            if (n.ints(name).length > 0) a.add(OnnxAttrs.ints(name, n.ints(name)));
        }
        e.result("MaxPool", List.of(e.in(0)), a.toArray(new dev.formwork.proto.onnx.OnnxProto.AttributeProto[0]));
    }
}
