package dev.formwork.exporters.onnx.lower;

import dev.formwork.exporters.onnx.OnnxAttrs;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import java.util.List;
import java.util.Map;

/** BatchNorm (inference, running statistics) and LayerNorm. */
final class NormWriters {
    private NormWriters() {}

    static void register(Map<String, OpWriter> t) {
        t.put("BatchNorm", NormWriters::batchNorm);
        t.put("LayerNorm", NormWriters::layerNorm);
    }

    /** Same inputs in the same order (x, scale, bias, mean, var); inference mode is the ONNX default. */
    static void batchNorm(Node n, Emit e) {
        e.result("BatchNormalization", List.of(e.in(0), e.in(1), e.in(2), e.in(3), e.in(4)),
                OnnxAttrs.f("epsilon", n.f("epsilon")));
    }

    /**
     * LayerNormalization from opset 17. Its scale and bias have the normalised shape
     * x.shape[axis:], where the IR only asks for the same element count, so they are re-shaped
     * (a view) when they differ. Below 17 the formula is written out:
     * y = (x - mean) / sqrt(mean((x - mean)^2) + eps) * scale + bias.
     */
    static void layerNorm(Node n, Emit e) {
        Shape x = n.input(0).shape();
        int axis = x.axis((int) n.i("axis"));
        int[] dims = x.toArray();
        Shape normalised = Shape.of(java.util.Arrays.copyOfRange(dims, axis, dims.length));
        String scale = e.reshaped(1, normalised), bias = e.reshaped(2, normalised);
        if (e.opset() >= 17) {
            e.result("LayerNormalization", List.of(e.in(0), scale, bias),
                    OnnxAttrs.i("axis", axis), OnnxAttrs.f("epsilon", n.f("epsilon")));
            return;
        }
        long[] axes = new long[x.rank() - axis];
        for (int i = 0; i < axes.length; i++) axes[i] = axis + i;
        String in = e.in(0);
        String mean = ReduceWriters.mean(e, in, axes, true, false);
        String centred = e.tmp("Sub", List.of(in, mean));
        String squared = e.tmp("Pow", List.of(centred, e.scalar("two", 2.0)));
        String variance = ReduceWriters.mean(e, squared, axes, true, false);
        String padded = e.tmp("Add", List.of(variance, e.scalar("epsilon", n.d("epsilon"))));
        String std = e.tmp("Sqrt", List.of(padded));
        String normed = e.tmp("Div", List.of(centred, std));
        String scaled = e.tmp("Mul", List.of(normed, scale));
        e.result("Add", List.of(scaled, bias));
    }
}
