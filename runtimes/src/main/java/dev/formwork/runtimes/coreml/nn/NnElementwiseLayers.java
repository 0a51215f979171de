package dev.formwork.runtimes.coreml.nn;

import dev.formwork.ir.interp.NdArray;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer.LayerCase;
import dev.formwork.runtimes.coreml.kernels.Broadcast;
import java.util.Map;

/**
 * Elementwise arithmetic (NeuralNetwork.proto): add / multiply take one or more inputs — with one
 * input they add / multiply the scalar {@code alpha}; with several they combine them with the
 * limited broadcasting the proto lists ([B,1,1,1], [B,C,1,1], [B,1,H,W], [B,C,H,W]), which NumPy
 * broadcasting covers. addBroadcastable, subtractBroadcastable, multiplyBroadcastable and
 * divideBroadcastable take two inputs with NumPy broadcasting.
 */
final class NnElementwiseLayers {
    private NnElementwiseLayers() {}

    static void register(Map<LayerCase, NnLayer> t) {
        t.put(LayerCase.ADD, c -> fold(c, (a, b) -> a + b, c.layer.getAdd().getAlpha(), true));
        t.put(LayerCase.MULTIPLY, c -> fold(c, (a, b) -> a * b, c.layer.getMultiply().getAlpha(), false));
        t.put(LayerCase.ADDBROADCASTABLE, c -> two(c, (a, b) -> a + b));
        t.put(LayerCase.SUBTRACTBROADCASTABLE, c -> two(c, (a, b) -> a - b));
        t.put(LayerCase.MULTIPLYBROADCASTABLE, c -> two(c, (a, b) -> a * b));
        t.put(LayerCase.DIVIDEBROADCASTABLE, c -> two(c, (a, b) -> a / b));
    }

    private static NdArray[] fold(NnLayerContext c, Broadcast.Op op, float alpha, boolean add) {
        NdArray acc = c.x();
        if (c.in.length == 1) {
            float[] s = acc.data(), y = new float[s.length];
            for (int k = 0; k < y.length; k++) y[k] = add ? s[k] + alpha : s[k] * alpha;
            return new NdArray[] {NdArray.of(acc.shape(), y)};
        }
        for (int k = 1; k < c.in.length; k++) acc = combine(c, acc, c.in[k], op);
        return new NdArray[] {acc};
    }

    private static NdArray[] two(NnLayerContext c, Broadcast.Op op) {
        if (c.in.length != 2) throw c.fail("needs exactly 2 inputs, got " + c.in.length);
        return new NdArray[] {combine(c, c.in[0], c.in[1], op)};
    }

    static NdArray combine(NnLayerContext c, NdArray a, NdArray b, Broadcast.Op op) {
        int[] out = Broadcast.shape(a.shape(), b.shape());
        if (out == null) throw c.fail("inputs " + a + " and " + b + " do not broadcast");
        return NdArray.of(out, Broadcast.apply(a.data(), a.shape(), b.data(), b.shape(), out, op));
    }
}
