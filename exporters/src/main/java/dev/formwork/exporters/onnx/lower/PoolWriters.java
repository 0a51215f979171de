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
    }

    static void averagePool(Node n, Emit e) {
        e.result("AveragePool", List.of(e.in(0)),
                OnnxAttrs.ints("kernel_shape", n.ints("kernel")),
                OnnxAttrs.ints("strides", n.ints("strides")),
                OnnxAttrs.ints("pads", n.ints("pads")),
                OnnxAttrs.i("count_include_pad", n.i("count_include_pad")));
    }
}
