package dev.formwork.exporters.coreml.nn;

import dev.formwork.ir.Node;
import dev.formwork.ir.Tensor;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.AddBroadcastableLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.DivideBroadcastableLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.MultiplyBroadcastableLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.SubtractBroadcastableLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.UnaryFunctionLayerParams;
import java.util.List;
import java.util.Map;

/**
 * Add/Sub/Mul/Div -> the numpy-broadcasting layers of iOS 13 (a constant operand is a
 * loadConstantND blob). Div by a constant is a multiply by its reciprocal (within an ulp of x / c,
 * as the ML Program writer also does); division by a computed value (an exported
 * softmax's exp / sum) is divideBroadcastable. Sqrt is the unary layer SQRT and Pow by one
 * constant exponent the unary POWER (an RMS norm that no LayerNorm recovers needs both); a
 * computed or per-element exponent and Erf have no layer and are refused (the coreml-nn profile
 * keeps GELU and LayerNorm whole, so a default pipeline makes neither from the zoo).
 */
final class NnElementwiseLayers {
    private NnElementwiseLayers() {}

    static void register(Map<String, NnLowering> t) {
        t.put("Add", (n, c) -> binary(n, c, NeuralNetworkLayer.newBuilder().setAddBroadcastable(AddBroadcastableLayerParams.getDefaultInstance())));
        t.put("Sub", (n, c) -> binary(n, c, NeuralNetworkLayer.newBuilder().setSubtractBroadcastable(SubtractBroadcastableLayerParams.getDefaultInstance())));
        t.put("Mul", (n, c) -> binary(n, c, NeuralNetworkLayer.newBuilder().setMultiplyBroadcastable(MultiplyBroadcastableLayerParams.getDefaultInstance())));
        t.put("Sqrt", (n, c) -> unary(n, c, UnaryFunctionLayerParams.newBuilder().setType(UnaryFunctionLayerParams.Operation.SQRT)));
        t.put("Pow", NnLowering.of(
                (n, c) -> unary(n, c, UnaryFunctionLayerParams.newBuilder().setType(UnaryFunctionLayerParams.Operation.POWER).setAlpha(exponent(n))),
                (n, s) -> {
                    if (exponent(n) == null) throw NnContext.refuse(n, "only a power by one constant exponent has a layer (unary POWER)");
                }));
        t.put("Div", (n, c) -> {
            if (n.input(1).isConstant()) div(n, c);
            else binary(n, c, NeuralNetworkLayer.newBuilder().setDivideBroadcastable(DivideBroadcastableLayerParams.getDefaultInstance()));
        });
    }

    static void unary(Node n, NnContext c, UnaryFunctionLayerParams.Builder f) {
        c.add(NeuralNetworkLayer.newBuilder().setUnary(f), n.name(), List.of(c.in(n, 0)), NnLowerings.one(c.out(n, 0)));
    }

    /** The one exponent a Pow applies to every element, or null when it has none. */
    private static Float exponent(Node n) {
        if (!n.input(1).isConstant() || !n.output().shape().equals(n.input(0).shape())) return null;
        float[] e = n.input(1).constant().toFloatArray();
        for (float v : e) if (Float.floatToIntBits(v) != Float.floatToIntBits(e[0])) return null;
        return e.length == 0 ? null : e[0];
    }

    static void binary(Node n, NnContext c, NeuralNetworkLayer.Builder l) {
        String a = c.in(n, 0), b = c.in(n, 1);
        c.add(l, n.name(), List.of(a, b), NnLowerings.one(c.out(n, 0)));
    }

    static void div(Node n, NnContext c) {
        Tensor d = n.input(1).constant();
        float[] v = d.toFloatArray();
        for (int i = 0; i < v.length; i++) v[i] = 1f / v[i];
        int[] shape = d.shape().rank() == 0 ? new int[] {1} : d.shape().toArray();
        String a = c.in(n, 0);
        String r = c.constant(n.input(1).name() + "_reciprocal", Tensor.ofFloats(d.shape(), v), shape);
        c.add(NeuralNetworkLayer.newBuilder().setMultiplyBroadcastable(MultiplyBroadcastableLayerParams.getDefaultInstance()),
                n.name(), List.of(a, r), NnLowerings.one(c.out(n, 0)));
    }
}
